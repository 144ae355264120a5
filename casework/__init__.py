"""The service layer: what every way in (the CLI, the web UI) calls to work on complaints.

It holds the rules about people and records that are not process (the workflow decides process):
who may act on which case, what a form needs, which cases a calendar change re-plans. Each module is
one noun:

- `intake`: filing a complaint (resident, representative, the case's workflow started)
- `service_requests`: a service request recorded, and converted into a complaint (Code 1.2-1.3)
- `forms`: the form of each staff action, validated before anything is written
- `actions`: taking a staff action (record rows, letter, the workflow's Update, undone on refusal)
- `updates`: sending a command to a case's workflow and reading its structured refusal
- `letters`: the letters to residents, drafted, checked, rendered and stored
- `access`: who is acting, and who may act on which case
- `case_record`: reading one case (its whole record; the case page's view)
- `case_list`: listing cases (the filtered case list, the dashboard)
- `calendar_changes`: closure days and bank holidays, and the cases they re-plan
- `errors`: how the service layer refuses
"""
