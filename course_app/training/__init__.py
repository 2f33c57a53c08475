"""The training rule: which modules are required of whom, counting from when and due by when.

The only place the rule lives. `rule` is the rule itself, pure (no Flask, no database), and
`decisions` what it decides for one official (reminders due, a period certified), pure too;
`periods` the mandate-period calendar it stands on; `sql` the same rule written as SQL for the
coverage report and the reminders, which score many officials at once; `load` reads what the
rule needs from the database. Everything else asks these modules.
"""
