"""Edit tokens: what a guest gets back when posting, to edit or delete that one comment for a while.

A token is signed with the secret key (itsdangerous) and names the site and the comment it is for, so it
cannot be used on another comment, and it carries its own creation time, checked against the site's
edit window.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from porch.errors import ApiError

_SALT = "porch.edit-token"


class EditTokens:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)

    def issue(self, site: str, comment_id: int) -> str:
        return self._serializer.dumps([site, comment_id])

    def check(self, token: str, site: str, comment_id: int, edit_window: int | None) -> None:
        """Raise 403 unless `token` was issued for this comment and the edit window (if any) is still open."""
        try:
            claimed = self._serializer.loads(token, max_age=edit_window)
        except SignatureExpired:
            raise ApiError(403, "edit_window_closed", "The time to edit or delete this comment is over.") from None
        except BadSignature:
            raise ApiError(403, "edit_token_invalid", "This edit token is not valid for this comment.") from None
        if claimed != [site, comment_id]:
            raise ApiError(403, "edit_token_invalid", "This edit token is not valid for this comment.")
