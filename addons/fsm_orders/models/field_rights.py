from odoo.tools import format_list


def refused_field_labels(records, vals):
    """The fields of ``vals`` that the user of ``records`` may not write (their
    ``_has_field_access``), as one readable list of labels for an error
    message; empty when every field may be written."""
    refused = [
        field
        for name in vals
        if (field := records._fields.get(name)) and not records._has_field_access(field, "write")
    ]
    return format_list(records.env, [f._description_string(records.env) for f in refused])
