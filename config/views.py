"""The site's front door: each role lands on its own page (the roles are the product's, so this
lives in config, above the apps, not in the domain-free core)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from config.navigation import landing_url_name
from core.context_processors import user_role_codes


@login_required
def home(request):
    """Send each role to its landing page; a user with no role sees a short explanation."""
    name = landing_url_name(user_role_codes(request.user), is_superuser=request.user.is_superuser)
    if name:
        return redirect(name)
    return render(request, "core/no_role.html")
