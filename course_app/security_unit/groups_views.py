"""The security unit and the party groups: who the contacts are, who else belongs, and how many
discussions each group held this period (counts and days only: no notes, no names)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, exists, select
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from course_app import audit
from course_app.auth.services import normalise_email
from course_app.extensions import db
from course_app.forms import Form
from course_app.groups import services
from course_app.models import (
    Discussion,
    GroupContact,
    GroupMember,
    Party,
    Permission,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.models.organisation import PHONE_LENGTH
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.scoping import get_in_org
from course_app.training.periods import local_date, period_of, term_for


class ContactForm(Form):
    user_id = SelectField(
        _l("Member to make a contact"), coerce=int, choices=[], validators=[InputRequired()]
    )
    phone = StringField(
        _l("Phone number (optional)"), validators=[Optional(), Length(max=PHONE_LENGTH)]
    )


class MemberForm(Form):
    email = EmailField(
        _l("E-mail address of the account to add"),
        validators=[
            InputRequired(message=_l("Enter an e-mail address")),
            Email(message=_l("Enter an e-mail address like namn@kommun.se")),
            Length(max=254),
        ],
    )


class RemoveForm(Form):
    """A button that removes one contact or member (only the CSRF token is sent)."""


def _today():
    return local_date(utcnow())


def _locked_party(party_id: int) -> Party:
    """Return the organisation's party, its row locked: two changes to one group run in turn.

    (On SQLite a POST's transaction already holds the write lock: see extensions.py.)
    """
    party = get_in_org(Party, party_id)
    db.session.execute(select(Party.id).where(Party.id == party.id).with_for_update())
    return party


@bp.get("/groups", endpoint="groups")
@unit_required
def list_groups():
    """Per party group: members, contacts, and the discussions held this period (counts)."""
    today = _today()
    year = period_of(today)
    term = term_for(year)
    groups = services.activity(current_user.organisation_id, term.starts_on, term.ends_on, today)
    days: dict[int, list] = {}
    for party_id, held_on in db.session.execute(
        select(Discussion.party_id, Discussion.held_on)
        .where(
            Discussion.organisation_id == current_user.organisation_id,
            Discussion.held_on.between(term.starts_on, term.ends_on),
        )
        .order_by(Discussion.held_on)
    ):
        days.setdefault(party_id, []).append(held_on)
    return render_template("security_unit/groups.html", groups=groups, days=days, period=term.label)


def _page(party: Party, contact_form=None, member_form=None, status: int = 200):
    members = services.members_of(party.id, _today())
    if contact_form is None:
        contact_form = ContactForm(formdata=None)
    contact_form.user_id.choices = [
        SelectChoice(m.id, m.name or m.email) for m in members if not m.is_contact
    ]
    added = set(
        db.session.scalars(select(GroupMember.user_id).where(GroupMember.party_id == party.id))
    )
    phones = dict(
        db.session.execute(
            select(GroupContact.user_id, GroupContact.phone).where(
                GroupContact.party_id == party.id
            )
        ).all()
    )
    return render_template(
        "security_unit/group.html",
        party=party,
        members=members,
        added=added,
        phones=phones,
        contact_form=contact_form,
        member_form=member_form or MemberForm(formdata=None),
        remove_form=RemoveForm(),
    ), status


@bp.get("/groups/<int:party_id>", endpoint="group")
@unit_required
def show_group(party_id: int):
    """A party group's members and contacts, to choose its contacts and add members."""
    return _page(get_in_org(Party, party_id))


def _sync_permission(user_id: int) -> None:
    """Hold the group contact permission exactly while a contact of some group."""
    is_contact = db.session.scalar(select(exists().where(GroupContact.user_id == user_id)))
    held = db.session.get(UserPermission, (user_id, Permission.GROUP_CONTACT))
    if is_contact and held is None:
        db.session.add(UserPermission(user_id=user_id, permission=Permission.GROUP_CONTACT))
    elif not is_contact and held is not None:
        db.session.delete(held)


@bp.post("/groups/<int:party_id>/contacts", endpoint="add_group_contact")
@unit_required
def add_contact(party_id: int):
    """Make a member of the group one of its security contacts."""
    party = _locked_party(party_id)
    form = ContactForm()
    members = {m.id: m for m in services.members_of(party.id, _today())}
    form.user_id.choices = [SelectChoice(i, m.name or m.email) for i, m in members.items()]
    if not form.validate_on_submit():
        return _page(party, contact_form=form, status=400)
    if db.session.get(GroupContact, (party.id, form.user_id.data)) is None:
        db.session.add(
            GroupContact(party_id=party.id, user_id=form.user_id.data, phone=form.phone.data or "")
        )
        db.session.flush()
        _sync_permission(form.user_id.data)
        audit.record(
            "group.contact_added",
            party.organisation_id,
            subject_id=form.user_id.data,
            group=party.name,
        )
    db.session.commit()
    flash(
        _(
            "%(name)s is now a security contact of the group.",
            name=members[form.user_id.data].name or members[form.user_id.data].email,
        ),
        "success",
    )
    return redirect(url_for("security_unit.group", party_id=party.id))


@bp.post("/groups/<int:party_id>/contacts/<int:user_id>/remove", endpoint="remove_group_contact")
@unit_required
def remove_contact(party_id: int, user_id: int):
    """Stop someone being a security contact of the group."""
    party = _locked_party(party_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    found = db.session.get(GroupContact, (party.id, user_id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()
        _sync_permission(user_id)
        audit.record(
            "group.contact_removed", party.organisation_id, subject_id=user_id, group=party.name
        )
    db.session.commit()
    flash(_("The contact has been removed."), "success")
    return redirect(url_for("security_unit.group", party_id=party.id))


@bp.post("/groups/<int:party_id>/members", endpoint="add_group_member")
@unit_required
def add_member(party_id: int):
    """Add an account of the organisation to the group (a political secretary, say)."""
    party = _locked_party(party_id)
    form = MemberForm()
    if not form.validate_on_submit():
        return _page(party, member_form=form, status=400)
    user = db.session.scalar(
        select(User).where(
            User.email == normalise_email(form.email.data),
            User.organisation_id == party.organisation_id,
            User.deleted_at.is_(None),
        )
    )
    if user is None:
        form.email.errors.append(_("No account of your organisation has this e-mail address"))
        return _page(party, member_form=form, status=400)
    if user.has_permission(Permission.SECURITY_UNIT):
        form.email.errors.append(
            _(
                "An account of the security unit cannot join a party group. "
                "Add the person’s official account instead."
            )
        )
        return _page(party, member_form=form, status=400)
    if db.session.get(GroupMember, (party.id, user.id)) is None:
        db.session.add(GroupMember(party_id=party.id, user_id=user.id))
        audit.record(
            "group.member_added", party.organisation_id, subject_id=user.id, group=party.name
        )
    db.session.commit()
    flash(_("%(name)s has been added to the group.", name=user.name or user.email), "success")
    return redirect(url_for("security_unit.group", party_id=party.id))


@bp.post("/groups/<int:party_id>/members/<int:user_id>/remove", endpoint="remove_group_member")
@unit_required
def remove_member(party_id: int, user_id: int):
    """Remove someone the security unit added (members by assignment stay while in office)."""
    party = _locked_party(party_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    removed = db.session.execute(
        delete(GroupMember).where(GroupMember.party_id == party.id, GroupMember.user_id == user_id)
    ).rowcount
    if removed:
        audit.record(
            "group.member_removed", party.organisation_id, subject_id=user_id, group=party.name
        )
    db.session.commit()
    flash(_("The member has been removed from the group."), "success")
    return redirect(url_for("security_unit.group", party_id=party.id))
