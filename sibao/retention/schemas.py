from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from sibao.core.api_types import Input, IsoDateTime


class PurgePreviewRowOut(Schema):
    kind: str
    label: str
    count: int


class PurgePreviewOut(Schema):
    before: datetime = Field(description="在此之前记录的数据将被删除；确认删除时原样提交")
    region: str
    rows: list[PurgePreviewRowOut]
    total: int


class EmergencyPurgeIn(Input):
    before: IsoDateTime = Field(description="预览返回的时间点（不得晚于当前时间）：删除此前记录的数据")
    confirm: Literal[True] = Field(description="确认本地区应急状态已结束，数据永久删除")


class PurgeOut(Schema):
    id: int
    reason: str
    region: str | None
    before: datetime
    counts: dict[str, int]
    total: int
    started_at: datetime
    finished_at: datetime | None
