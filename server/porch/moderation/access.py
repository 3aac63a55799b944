"""Who is a moderator, and of which sites, decided from the settings alone.

An identity is written PROVIDER_ID:SUBJECT, exactly as sign-in stores it (`github:583231`). Top-level
`admins` moderate every site; a site's `moderators` moderate that site. Whoever signs in with a one-time
`porch admin link` is the actor "admin-link", an administrator of every site. The settings are read on every
request, so a moderator removed from them (and the server restarted) loses their power at once, even with a
session still open.
"""

from __future__ import annotations

from dataclasses import dataclass

from porch.settings import Settings, SiteSettings

ADMIN_LINK = "admin-link"  # the actor of a console session opened with `porch admin link`; no identity has it


@dataclass(frozen=True)
class Moderator:
    actor: str  # PROVIDER_ID:SUBJECT, or "admin-link"
    sites: frozenset[str] | None  # None: every site (admins and admin links); empty: none at all

    def may_moderate(self, site_id: str) -> bool:
        return self.sites is None or site_id in self.sites

    @property
    def moderates_anything(self) -> bool:
        return self.sites is None or bool(self.sites)


def identity(provider_id: str, subject: str) -> str:
    """How settings name a signed-in identity."""
    return f"{provider_id}:{subject}"


def of_actor(settings: Settings, actor: str) -> Moderator:
    """What a console session's actor may moderate (possibly nothing: a signed-in reader)."""
    if actor == ADMIN_LINK or actor in settings.admins:
        return Moderator(actor, None)
    return Moderator(actor, frozenset(site.id for site in settings.sites.values() if actor in site.moderators))


def of_widget_session(settings: Settings, actor: str, site: SiteSettings) -> Moderator:
    """A widget session was issued for one site: it moderates that site alone, and only when its identity
    moderates that site (or every site). A reader's session moderates nothing."""
    allowed = actor in settings.admins or actor in site.moderators
    return Moderator(actor, frozenset({site.id}) if allowed else frozenset())
