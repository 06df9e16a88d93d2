from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender, **kwargs):
    """The six role groups exist after every migrate *and* after every flush (a flush empties
    the groups the data migration made, and tests flush between transactional tests).

    Run again after each app whose permissions a group holds: a flush empties the permission
    table too, and contrib.auth makes an app's permissions again only at that app's own
    post_migrate — after this app's, for projects' grant permission."""
    from django.contrib.auth.models import Group, Permission

    from branches.roles import ADMINISTRATION_PERMISSIONS, Role

    labels = {"branches"} | {label.split(".")[0] for labels in ADMINISTRATION_PERMISSIONS.values() for label in labels}
    if sender.label not in labels:
        return

    for role in Role.values:
        group, _created = Group.objects.get_or_create(name=role)
        if role in ADMINISTRATION_PERMISSIONS:
            # 三员分立: exactly these model permissions, whatever was added by hand.
            wanted = []
            for label in ADMINISTRATION_PERMISSIONS[role]:
                app_label, codename = label.split(".")
                wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
            group.permissions.set(wanted)


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branches and people")

    def ready(self):
        post_migrate.connect(ensure_role_groups, dispatch_uid="branches.ensure_role_groups")
