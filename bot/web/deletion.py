"""The link of the « Confirmez la suppression de votre compte » e-mail (docs/web-api.md,
"Deletion confirmation").

Opening the link only shows a button: mail scanners and link previews fetch links on their
own, and a GET must not verify anyone's deletion. The button posts the token back; the
backend marks the request verified, once, within 24 hours (bot/backend/deletion.py)."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from string import Template

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import html as html_response

from bot.clients.account import BackendUnavailable, LinkNotValid
from bot.domain.tickets import DELETION_CONFIRM_PATH
from bot.domain.typography import french
from bot.web.http import backend, config_of

PAGE = Template(
    (Path(__file__).resolve().parent / "templates" / "deletion.html").read_text(encoding="utf-8")
)
MAX_TOKEN_LENGTH = 100

deletion = Blueprint("deletion")


def page(title: str, message: str, form: str = "", status: int = 200) -> HTTPResponse:
    body = PAGE.substitute(
        title=html.escape(french(title)), message=html.escape(french(message)), form=form
    )
    return html_response(body, status=status, headers={"Cache-Control": "no-store"})


def invalid_link() -> HTTPResponse:
    return page(
        "Lien non valable",
        "Ce lien de confirmation n'est plus valable : il a déjà servi ou a expiré (il est "
        "valable 24 heures). Vous pouvez refaire votre demande de suppression auprès de notre "
        "assistant.",
        status=410,
    )


def _token(value: object) -> str:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_LENGTH else ""


@deletion.get(DELETION_CONFIRM_PATH)
async def confirmation_page(request: Request) -> HTTPResponse:
    token = _token(request.args.get("token"))
    if not token:
        return invalid_link()
    form = (
        f'<form method="post" action="{DELETION_CONFIRM_PATH}">'
        f'<input type="hidden" name="token" value="{html.escape(token, quote=True)}">'
        '<button type="submit" id="confirm-deletion">Confirmer la suppression</button></form>'
    )
    return page(
        "Confirmez la suppression de votre compte",
        "Cliquez sur le bouton ci-dessous pour confirmer la demande de suppression de votre "
        "compte 123Roulement. Si vous n'êtes pas à l'origine de cette demande, fermez "
        "simplement cette page : votre compte ne sera pas supprimé.",
        form,
    )


@deletion.post(DELETION_CONFIRM_PATH)
async def confirm(request: Request) -> HTTPResponse:
    token = _token(request.form.get("token") if request.form else None)
    if not token:
        return invalid_link()
    try:
        reference = await asyncio.to_thread(backend(request).confirm_deletion, token)
    except LinkNotValid:
        return invalid_link()
    except BackendUnavailable:
        return page(
            "Service indisponible",
            "Nous ne pouvons pas enregistrer votre confirmation pour le moment. Réessayez dans "
            f"quelques minutes ou appelez nos conseillers au {config_of(request).phone.number}.",
            status=503,
        )
    return page(
        "Suppression confirmée",
        f"Merci, votre demande de suppression (référence {reference}) est confirmée. Notre "
        "service supprimera votre compte dans les plus brefs délais.",
    )
