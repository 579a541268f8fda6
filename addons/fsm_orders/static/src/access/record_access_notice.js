import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";
import { RelationalModel } from "@web/model/relational_model/relational_model";

/**
 * A link to a service record the user may not read (a colleague's order, a
 * machine of a client they never served) makes Odoo's web client fall back to
 * the list without a word. Say why, on the suite's own models only.
 */
const NOTICES = {
    "service.order": () =>
        _t(
            "This service order is not one you may open: technicians see their own visits and the history of the clients they serve. Ask your coordinator if you need it."
        ),
    "service.equipment": () =>
        _t(
            "This machine is not one you may open: technicians see the machines of the clients they serve. Ask your coordinator if you need it."
        ),
};

patch(RelationalModel.prototype, {
    async load(params = {}) {
        try {
            return await super.load(...arguments);
        } catch (error) {
            const notice = NOTICES[this.config.resModel];
            if (
                notice &&
                error instanceof RPCError &&
                error.exceptionName === "odoo.exceptions.AccessError" &&
                this.config.isMonoRecord
            ) {
                this.notification.add(notice(), {
                    title: _t("Not yours to open"),
                    type: "warning",
                    sticky: true,
                });
            }
            throw error;
        }
    },
});
