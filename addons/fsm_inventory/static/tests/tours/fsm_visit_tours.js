import { registry } from "@web/core/registry";

/** The budget for the whole visit, from My day to the signed report. */
export const TAP_BUDGET = 15;

/**
 * Taps are counted as the phone sees them: every pointerdown on the page
 * (typing a number or a name starts with one, and counts as one). The
 * camera's shutter happens outside the browser and is added by hand.
 */
function countTaps() {
    window.__fsmTaps = 0;
    document.addEventListener("pointerdown", () => (window.__fsmTaps += 1), { capture: true });
}

/** A small picture, as the camera would hand it to the page. */
async function cameraPicture() {
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext("2d");
    context.fillStyle = "#8b5a2b";
    context.fillRect(0, 0, 64, 48);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    return new File([blob], "group-head.png", { type: "image/png" });
}

export async function takePicture(input) {
    const transfer = new DataTransfer();
    transfer.items.add(await cameraPicture());
    input.files = transfer.files;
    window.__fsmTaps = (window.__fsmTaps || 0) + 1; // the camera's shutter
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

/** One stroke of a finger across the signature pad. */
export function drawSignature(canvas) {
    const box = canvas.getBoundingClientRect();
    const at = (fraction, y) => ({
        clientX: box.left + box.width * fraction,
        clientY: box.top + box.height * y,
        pointerId: 1,
        pointerType: "touch",
        isPrimary: true,
        bubbles: true,
        cancelable: true,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", { ...at(0.1, 0.5), buttons: 1 }));
    for (const [x, y] of [[0.2, 0.3], [0.35, 0.7], [0.5, 0.35], [0.65, 0.65], [0.8, 0.4]]) {
        canvas.dispatchEvent(new PointerEvent("pointermove", { ...at(x, y), buttons: 1 }));
    }
    canvas.dispatchEvent(new PointerEvent("pointerup", { ...at(0.9, 0.5), buttons: 0 }));
}

const line = (question) => `.o_fsm_visit_line:contains("${question}")`;

// Arriving at the café: from My day, the whole visit on one screen with one
// thumb — start work, five checklist answers, a photo, a gasket from the
// van, the client's name and signature, finish — within the tap budget.
registry.category("web_tour.tours").add("fsm_visit_in_fifteen_taps", {
    steps: () => [
        {
            content: "My day shows the visit; taps are counted from here",
            trigger: '.o_fsm_my_day .o_kanban_record:contains("Café Norr AB") .o_fsm_open_visit',
            run: countTaps,
        },
        {
            content: "Open the visit",
            trigger: '.o_fsm_my_day .o_kanban_record:contains("Café Norr AB") .o_fsm_open_visit',
            run: "click",
        },
        {
            content: "The site's warning is on the visit",
            trigger: '.o_fsm_visit .o_fsm_card_warning:contains("Dog on site")',
        },
        {
            content: "Start work",
            trigger: ".o_fsm_visit .o_fsm_visit_start",
            run: "click",
        },
        {
            content: "The required questions are marked",
            trigger: `${line("Safety valve tested")}.o_fsm_line_missing`,
        },
        {
            trigger: `${line("Safety valve tested")} .o_fsm_answer_yes`,
            run: "click",
        },
        {
            trigger: `${line("Steam wand clean")} .o_fsm_answer_yes`,
            run: "click",
        },
        {
            trigger: `${line("Drip tray emptied")} .o_fsm_answer_yes`,
            run: "click",
        },
        {
            content: "The boiler pressure on the number keypad",
            trigger: `${line("Boiler pressure")} input[inputmode="decimal"]`,
            run: "edit 1.2",
        },
        {
            trigger: `${line("Water hardness")} .o_fsm_answer_option:contains("Hard")`,
            run: "click",
        },
        {
            content: "Every answer is shown at once",
            trigger: `${line("Water hardness")} .o_fsm_answer_option.btn-primary:contains("Hard")`,
        },
        {
            content: "A photo of the group head",
            trigger: ".o_fsm_visit .o_fsm_visit_photo",
            run: "click",
        },
        {
            content: "The camera hands its picture to the page",
            trigger: ".o_fsm_visit .o_fsm_visit_photos",
            async run({ anchor }) {
                await takePicture(anchor.querySelector("input.o_fsm_visit_photo_input"));
            },
        },
        {
            trigger: ".o_fsm_visit .o_fsm_photo_count:contains(1)",
        },
        {
            content: "A gasket from the van",
            trigger: ".o_fsm_visit .o_fsm_visit_add_part",
            run: "click",
        },
        {
            trigger: '.o_fsm_visit_van_item:contains("Group gasket 8.5 mm"):contains("4")',
            run: "click",
        },
        {
            trigger: '.o_fsm_visit_part_used:contains("Group gasket 8.5 mm"):contains("1")',
        },
        {
            content: "The client types their name",
            trigger: ".o_fsm_visit .o_fsm_visit_signer",
            run: "edit Karin Berg",
        },
        {
            content: "… and signs",
            trigger: ".o_fsm_visit canvas.o_fsm_visit_signature",
            run({ anchor }) {
                drawSignature(anchor); // its pointerdown counts as the tap
            },
        },
        {
            trigger: '.o_fsm_visit .o_fsm_visit_finish:contains("Sign and finish")',
            run: "click",
        },
        {
            content: "Finished, signed, and everything reached the server",
            trigger: '.o_fsm_visit .o_fsm_visit_done:contains("Karin Berg")',
        },
        {
            trigger: ".o_fsm_visit .o_fsm_sync_status:contains(Sent)",
            run() {
                const taps = window.__fsmTaps;
                console.log(`FSM visit taps: ${taps} (budget ${TAP_BUDGET})`);
                if (taps > TAP_BUDGET) {
                    throw new Error(`The visit took ${taps} taps, over the budget of ${TAP_BUDGET}.`);
                }
            },
        },
    ],
});
