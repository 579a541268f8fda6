/**
 * What the planning board and the route map share: how they read the action
 * that opens them, their team filter, and the calls on a proposed plan.
 */
import { _t } from "@web/core/l10n/translation";

/** ``ids`` with ``id`` added, or removed when it is there. */
export function toggled(ids, id) {
    return ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id];
}

/** Apply plan ``planId`` (service.route.plan.action_apply) and say so. */
export async function applyPlan(orm, notification, planId) {
    await orm.call("service.route.plan", "action_apply", [[planId]]);
    notification.add(_t("The proposed plan is applied."), { type: "success" });
}

/** Discard plan ``planId``: nothing changes. */
export async function discardPlan(orm, planId) {
    await orm.call("service.route.plan", "action_discard", [[planId]]);
}

/** The parameters a board or map action is opened with (context, then params). */
export function actionParams(action) {
    return { ...(action.context || {}), ...(action.params || {}) };
}
