"""Report computation over the read model: the annual report and self-assessment (Code 8.1, 8.2), the
quarterly pack for the governing body, the Tenant Satisfaction Measures, timeliness against the Code's
timescales, themes and root causes, the Ombudsman's figures, compensation, Awaab's Law compliance and the
`policy check` of every profile. Reads what the workflows projected (`models/`); never decides a process rule."""
