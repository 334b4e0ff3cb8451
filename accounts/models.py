from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

from accounts.roles import Role


class User(AbstractUser):
    """A person who signs in. The role is carried by the group of that name; everyone works inside ``unit``: an
    officer reports for it, a reviewer or a leader sees the units under it (``accounts.permissions``)."""

    unit = models.ForeignKey(
        "programme.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name="đơn vị",
        help_text=(
            "Cán bộ đơn vị: đơn vị mà người này lập báo cáo. Cán bộ Ban Dân vận, lãnh đạo: đơn vị của mình; "
            "chỉ xem và thẩm định các đơn vị trực thuộc. Chưa có đơn vị thì chưa xem được chương trình nào."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @cached_property
    def roles(self) -> list[Role]:
        """Read once for this object (which lives for one request), and kept with it by accounts.backends."""
        names = {group.name for group in self.groups.all()}
        return [role for role in Role if role.label in names]

    @property
    def role(self) -> Role | None:
        """The strongest role the user has, for choosing the start page."""
        if self.is_superuser:
            return Role.ADMINISTRATOR
        roles = self.roles
        return min(roles, key=list(Role).index) if roles else None
