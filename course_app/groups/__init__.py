"""Party groups: members, contacts, discussions of the reflection questions, attendance."""
