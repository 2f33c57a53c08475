"""The course pages: overview, modules and steps, and the learner's progress."""
