"""The parameters the code passes to each finer answer id (the table in docs/content.md)."""

from __future__ import annotations

ANSWER_PARAMS: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "maintenance.snow_plowing.street": "street district class_name class_description",
        "maintenance.snow_plowing.street_unknown": "street",
        "maintenance.slipperiness.street": "street class_name sanding_description",
        "maintenance.road_works.found": "place items",
        "maintenance.road_works.item": "street description start end",
        "maintenance.road_works.none": "place",
        "maintenance.outdoor_sports.found": "place items",
        "maintenance.outdoor_sports.item": "name status note updated",
        "maintenance.outdoor_sports.none": "place",
        "maintenance.sand_removal.area": "district schedule",
        "zoning.plan_status.found": "plan_name plan_number district stage next_step next_date planner planner_email url",
        "zoning.plan_status.not_found": "name",
        "zoning.plans_in_area.found": "district items",
        "zoning.plans_in_area.item": "plan_name plan_number stage",
        "zoning.plans_in_area.none": "district",
        "zoning.contact_planner.found": "plan_name planner planner_title planner_email",
        "zoning.participation.plan": "plan_name stage planner planner_email url",
        "zoning.participation.plan_closed": "plan_name stage planner planner_email url",
        "meta.language.switching": "language",
        "meta.language.unserved": "languages",
        "door.message_cut": "max_chars",
        "handoff.nurse.queued": "position wait",
        "handoff.agent.queued": "position wait",
        "handoff.nurse.closed": "hours",
        "handoff.agent.closed": "hours",
        "handoff.nurse.language": "languages",
        "handoff.agent.language": "languages",
        "handoff.already_queued": "position wait",
        "handoff.connected": "role name",
        "handoff.returned": "name",
        "handoff.ended": "name",
        "handoff.transferred": "queue position wait",
        "maintenance.report.confirm": "category location description contact",
        "maintenance.report.submitted": "report_id",
        "maintenance.report_status.found": "report_id category location status updated notes",
        "maintenance.report_status.not_found": "report_id",
        "maintenance.report_status.state": "report_id status updated",
        "maintenance.report_status.retrying": "report_id category location",
        "maintenance.report_status.held": "report_id category location",
    }.items()
}


def allowed_params(answer_id: str) -> frozenset[str]:
    return ANSWER_PARAMS.get(answer_id, frozenset())
