import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";

/**
 * The guided request form: it asks for what the chosen machine and type need
 * (the proof of purchase of a machine out of warranty, the counters for a type
 * that asks them), keeps the site and the machine consistent, and checks the
 * files before they are sent. The server checks all of it again.
 */
export class FsmRequestForm extends Interaction {
    static selector = ".o_fsm_request_form";
    dynamicContent = {
        "#fsm_type_id": { "t-on-change": this.adapt },
        "#fsm_equipment_id": { "t-on-change": this.onMachineChange },
        "#fsm_location_id": { "t-on-change": this.onSiteChange },
        "#fsm_warranty_claim": { "t-on-change": this.adapt },
        "input[type=file]": { "t-on-change": this.checkFiles },
        _root: { "t-on-submit": this.onSubmit },
    };

    setup() {
        this.typeEl = this.el.querySelector("#fsm_type_id");
        this.machineEl = this.el.querySelector("#fsm_equipment_id");
        this.siteEl = this.el.querySelector("#fsm_location_id");
        this.claimEl = this.el.querySelector("#fsm_warranty_claim");
        this.maxBytes = parseInt(this.el.dataset.maxBytes || "0");
        this.maxFiles = parseInt(this.el.dataset.maxFiles || "10");
        this.adapt();
    }

    get machineOption() {
        return this.machineEl?.selectedOptions[0];
    }

    onMachineChange() {
        const siteId = this.machineOption?.dataset.siteId;
        if (siteId && this.siteEl) {
            this.siteEl.value = siteId;
        }
        this.adapt();
    }

    onSiteChange() {
        // a machine of another site no longer fits: let the client choose again
        const siteId = this.siteEl.value;
        const machineSite = this.machineOption?.dataset.siteId;
        if (siteId && machineSite && machineSite !== siteId) {
            this.machineEl.value = "";
        }
        for (const option of this.machineEl?.options || []) {
            option.hidden = Boolean(
                siteId && option.value && option.dataset.siteId && option.dataset.siteId !== siteId
            );
        }
        this.adapt();
    }

    adapt() {
        const machineId = this.machineEl?.value || "";
        const warranty = this.machineOption?.dataset.warranty;
        const claimBlock = this.el.querySelector(".o_fsm_warranty_claim");
        const outOfWarranty = Boolean(machineId) && warranty !== "active";
        claimBlock.classList.toggle("d-none", !outOfWarranty);
        const claimed = outOfWarranty && this.claimEl.checked;
        this.el.querySelector(".o_fsm_proof").classList.toggle("d-none", !claimed);
        this.el.querySelector("#fsm_proof").required = claimed;
        const askCounter = Boolean(this.typeEl.selectedOptions[0]?.dataset.askCounter);
        for (const block of this.el.querySelectorAll(".o_fsm_counters")) {
            const shown = askCounter && block.dataset.equipmentId === machineId;
            block.classList.toggle("d-none", !shown);
            for (const input of block.querySelectorAll("input")) {
                input.required = shown;
            }
        }
    }

    /** The file inputs' own errors, shown under each; true when all are fine. */
    checkFiles() {
        let valid = true;
        for (const input of this.el.querySelectorAll("input[type=file]")) {
            const files = [...input.files];
            const errors = [];
            if (files.length > this.maxFiles) {
                errors.push(_t("Attach at most %s files.", this.maxFiles));
            }
            for (const file of files) {
                if (this.maxBytes && file.size > this.maxBytes) {
                    errors.push(
                        _t("%(name)s is too large: the limit is %(limit)s MB per file.", {
                            name: file.name,
                            limit: Math.round((this.maxBytes / 1024 / 1024) * 10) / 10,
                        })
                    );
                } else if (!/^(image\/|application\/pdf$)/.test(file.type || "")) {
                    errors.push(_t("%s is not a photo or a PDF document.", file.name));
                }
            }
            input.classList.toggle("is-invalid", errors.length > 0);
            const feedback = input.parentElement.querySelector(".invalid-feedback");
            if (feedback) {
                feedback.textContent = errors.join(" ");
            }
            valid = valid && !errors.length;
        }
        return valid;
    }

    onSubmit(ev) {
        if (!this.checkFiles()) {
            ev.preventDefault();
            return;
        }
        // one request, however often the button is tapped
        const button = this.el.querySelector("button[type=submit]");
        if (button.disabled) {
            ev.preventDefault();
            return;
        }
        button.disabled = true;
        button.classList.add("disabled");
    }
}

registry.category("public.interactions").add("fsm_client_portal.request_form", FsmRequestForm);
