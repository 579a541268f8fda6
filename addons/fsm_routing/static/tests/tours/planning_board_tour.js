import { registry } from "@web/core/registry";

const annaRow = '.o_fsm_board_row:contains("Anna Andersson")';
const erikRow = '.o_fsm_board_row:contains("Erik Eriksson")';

/**
 * HTML5 drag and drop as the browser does it: dragstart on the source, then
 * dragover and drop on the target row's lane at ``hour`` of the day view
 * (06:00–20:00), sharing one DataTransfer.
 */
function dragTo(source, technician, hour) {
    const row = [...document.querySelectorAll(".o_fsm_board_row")].find((el) =>
        el.querySelector(".o_fsm_board_name").textContent.includes(technician)
    );
    const lane = row.querySelector(".o_fsm_board_lane");
    const rect = lane.getBoundingClientRect();
    const clientX = rect.left + ((hour - 6) / 14) * rect.width + 1;
    const clientY = rect.top + rect.height / 2;
    const dataTransfer = new DataTransfer();
    const sourceRect = source.getBoundingClientRect();
    source.dispatchEvent(
        new DragEvent("dragstart", {
            bubbles: true,
            cancelable: true,
            dataTransfer,
            clientX: sourceRect.left + 1,
            clientY: sourceRect.top + 1,
        })
    );
    for (const type of ["dragenter", "dragover", "drop"]) {
        lane.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer, clientX, clientY })
        );
    }
    source.dispatchEvent(new DragEvent("dragend", { bubbles: true, dataTransfer }));
}

registry.category("web_tour.tours").add("planning_board_tour", {
    steps: () => [
        {
            content: "The day's board: Anna's planned visit, Erik's absence",
            trigger: `${annaRow} .o_fsm_board_bar:contains("Café Norr AB")`,
        },
        {
            trigger: `${erikRow} .o_fsm_board_absence[title="Absent"]`,
        },
        {
            content: "Drop the unplanned order on Anna's afternoon",
            trigger: '.o_fsm_board_unplanned .o_fsm_board_card:contains("Bar Söder AB")',
            run() {
                dragTo(this.anchor, "Anna Andersson", 14);
            },
        },
        {
            content: "It is a bar on her row, and no longer unplanned",
            trigger: `${annaRow} .o_fsm_board_bar:contains("Bar Söder AB")`,
        },
        {
            trigger: ".o_fsm_board_unplanned:not(:has(.o_fsm_board_card))",
        },
        {
            content: "Drop Anna's morning visit into Erik's absence",
            trigger: `${annaRow} .o_fsm_board_bar:contains("Café Norr AB")`,
            run() {
                dragTo(this.anchor, "Erik Eriksson", 10);
            },
        },
        {
            content: "Refused, in red, with the reason",
            trigger: '.o_notification:has(.bg-danger):contains("is absent")',
        },
        {
            content: "The bar stays on Anna's row",
            trigger: `${annaRow} .o_fsm_board_bar:contains("Café Norr AB")`,
        },
        {
            trigger: `${erikRow}:not(:has(.o_fsm_board_bar))`,
        },
    ],
});
