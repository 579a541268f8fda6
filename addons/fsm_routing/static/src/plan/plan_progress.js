import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ProgressBarField, progressBarField } from "@web/views/fields/progress_bar/progress_bar_field";
import { onWillUnmount, onMounted } from "@odoo/owl";

/**
 * The progress of a background optimiser run: a progress bar that reloads
 * the plan every two seconds while it waits or runs, so the coordinator sees
 * it move and sees the proposal as soon as it is there, without blocking
 * anything else on the screen.
 */
export class PlanProgressField extends ProgressBarField {
    static template = ProgressBarField.template;

    setup() {
        super.setup();
        this.orm = useService("orm");
        onMounted(() => {
            this.timer = setInterval(() => this.poll(), 2000);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }

    async poll() {
        const record = this.props.record;
        if (!record.resId || !["queued", "running"].includes(record.data.state)) {
            return;
        }
        if (record.isDirty) {
            return;
        }
        await record.load();
    }
}

registry.category("fields").add("fsm_plan_progress", {
    ...progressBarField,
    component: PlanProgressField,
});
