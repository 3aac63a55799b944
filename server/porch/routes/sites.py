"""/api/v1/sites/{site}: what the widget needs to know about a site before it renders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from porch.routes._http import porch


async def site_info(request: Request) -> Response:
    app = porch(request)
    site = app.comments.site(request.path_params["site"])
    return JSONResponse(
        {
            "id": site.id,
            "title": site.title,
            "max_length": site.max_length,
            "edit_window": site.edit_window,
            # Whether guests may comment, and if so which of their fields are asked for.
            "guests": site.guests,
            "guest_fields": {"name": "required", "email": "optional", "url": "optional"} if site.guests else None,
            **app.site_extras(site),
        }
    )


routes = [Route("/api/v1/sites/{site}", site_info, methods=["GET"])]
