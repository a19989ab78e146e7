"""Set-ups shared by the whitelist tests. They walk the real services, so history, audit and
notifications are what a user would produce."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sibao.core.sectors import Sector
from sibao.regions.models import Region
from sibao.whitelist import services
from sibao.whitelist.default_criteria import criteria_for_region
from sibao.whitelist.models import Application, AttachmentKind, Criteria, Listing

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
APPLICATION_DATA = {
    "contact_name": "张经理",
    "contact_phone": "13912345678",
    "statement": "本企业为规上工业企业，申请纳入“四保”白名单。",
    "measures": "已成立疫情防控专班，落实闭环管理。",
}


def pdf(name: str = "申请表.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def publish_default_criteria(
    actor: Any,
    *,
    code: str = "410222",
    sector: str = Sector.INDUSTRY,
    title: str = "通许县工业生产白名单遴选标准",
) -> Criteria:
    """003#二 for ``code``'s ``sector``, saved and published by ``actor`` (its sector department)."""
    draft = services.criteria_save(
        actor=actor,
        region=Region.objects.get(code=code),
        sector=sector,
        title=title,
        rule=criteria_for_region(code),
        source="003#二",
    )
    return services.criteria_publish(actor=actor, criteria=draft)


def attach_required(user: Any, application: Application) -> None:
    services.attachment_add(actor=user, application=application, kind=AttachmentKind.APPLICATION_FORM, upload=pdf())
    services.attachment_add(
        actor=user, application=application, kind=AttachmentKind.COMMITMENT, upload=pdf("承诺书.pdf")
    )


def submitted_application(enterprise_user: Any, data: dict[str, str] | None = None) -> Application:
    """The enterprise starts an application, attaches both required files and submits it (WL-3)."""
    application = services.application_start(actor=enterprise_user, data=data or APPLICATION_DATA)
    attach_required(enterprise_user, application)
    return services.application_submit(actor=enterprise_user, application=application)


def listed_through_services(
    enterprise_user: Any, reviewer: Any, hq: Any, data: dict[str, str] | None = None
) -> Listing:
    """Apply, approve (the sector department) and publish in a batch (the HQ office)."""
    application = services.application_act(
        actor=reviewer, application=submitted_application(enterprise_user, data), action="approve"
    )
    services.batch_publish(actor=hq, applications=[application])
    return Listing.objects.get(application=application)
