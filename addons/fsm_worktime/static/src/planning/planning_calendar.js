import { CalendarCommonRenderer } from "@web/views/calendar/calendar_common/calendar_common_renderer";
import { CalendarModel } from "@web/views/calendar/calendar_model";
import { CalendarRenderer } from "@web/views/calendar/calendar_renderer";
import { calendarView } from "@web/views/calendar/calendar_view";
import { deserializeDate, deserializeDateTime, serializeDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";

const ABSENCE_PREFIX = "fsm_absence_";

/**
 * The planning calendar loads, beside the orders, the technicians' approved
 * absences of the period (Odoo Time Off), minus those of the technicians
 * unticked in the side panel.
 */
export class FsmPlanningCalendarModel extends CalendarModel {
    async updateData(data) {
        await super.updateData(data);
        const section = data.filterSections.technician_id;
        const hidden = (section ? section.filters : [])
            .filter((filter) => filter.type === "dynamic" && !filter.active && filter.value)
            .map((filter) => filter.value);
        data.absences = await this.orm.call(
            "hr.leave",
            "fsm_planning_absences",
            [serializeDateTime(data.range.start), serializeDateTime(data.range.end), hidden],
            { context: this.meta.context }
        );
    }

    get absences() {
        return this.data.absences || [];
    }
}

/** Absences are drawn as read-only, hatched events that open nothing. */
export class FsmPlanningCommonRenderer extends CalendarCommonRenderer {
    mapRecordsToEvents() {
        const events = super.mapRecordsToEvents();
        for (const absence of this.props.model.absences) {
            const allDay = absence.all_day;
            const start = allDay
                ? deserializeDate(absence.date_from)
                : deserializeDateTime(absence.start);
            const end = allDay
                ? deserializeDate(absence.date_to).plus({ days: 1 })
                : deserializeDateTime(absence.stop);
            events.push({
                id: `${ABSENCE_PREFIX}${absence.id}`,
                title: absence.title,
                start: allDay ? start.toISODate() : start.toISO(),
                end: allDay ? end.toISODate() : end.toISO(),
                allDay,
                editable: false,
                startEditable: false,
                durationEditable: false,
                classNames: ["o_fsm_absence"],
            });
        }
        return events;
    }

    onEventContent(arg) {
        const content = super.onEventContent(arg);
        if (String(arg.event.id).startsWith(ABSENCE_PREFIX) && arg.event.allDay) {
            arg.timeText = "";
        }
        return content;
    }

    onEventClick(info) {
        if (String(info.event.id).startsWith(ABSENCE_PREFIX)) {
            return;
        }
        return super.onEventClick(info);
    }
}

export class FsmPlanningCalendarRenderer extends CalendarRenderer {
    static components = {
        ...CalendarRenderer.components,
        day: FsmPlanningCommonRenderer,
        week: FsmPlanningCommonRenderer,
        month: FsmPlanningCommonRenderer,
    };
}

registry.category("views").add("fsm_planning_calendar", {
    ...calendarView,
    Model: FsmPlanningCalendarModel,
    Renderer: FsmPlanningCalendarRenderer,
});
