"""Bình xét: ties the rules cannot break on an award line, and recording the vote that settles them.

During the ceremony's reveal the public sees no tie at a covered rank and no vote naming a covered
province (both tell who holds a covered place); the signed-in secretary sees everything.
"""

import uuid

import streamlit as st

from lib.core.errors import InvalidChangeSet, NotAllowed
from lib.core.model import DEPUTY, ELECTION, LEADER, PROPOSAL, Nomination, Vote
from lib.core.nominations import outcome
from lib.core.votes import vote_order
from lib.present.catalogue import explain, t
from lib.present.ceremony import nomination_lines
from lib.present.formatting import escape_markdown
from web.auth import grant
from web.page import data_page
from web.reveal import covered_codes, notice, view_of
from web.writes import nominate, record

page = data_page("page.votes")
lang, config, snap, evaluation = page.lang, page.config, page.snap, page.evaluation
st.caption(t("votes.rule", lang, rule=t(f"votes.rule.{config.vote_majority}", lang)))
view, everything = view_of(snap)  # the ceremony's covered places: held back, or marked for the secretary
notice(view, everything, lang)
public = view.holding and not everything
hidden = covered_codes(snap, view)

if evaluation.sheet.ignored_records:  # typed into BieuQuyet/DeCu, not through the app: listed, never counted
    st.warning(t("votes.ignored", lang, count=len(evaluation.sheet.ignored_records)), icon=":material/gpp_bad:")
    st.dataframe([{t("votes.col.cell", lang): r.cell, t("votes.col.id", lang): r.record_id,
                   t("votes.col.time", lang): r.time, t("votes.col.recorder", lang): r.recorder}
                  for r in evaluation.sheet.ignored_records], hide_index=True)

ties: dict[int, list] = {}
for standing in evaluation.standings:
    if standing.needs_vote and not (public and standing.code in hidden):
        ties.setdefault(standing.rank, []).append(standing)
if not ties:
    st.success(t("votes.none", lang), icon=":material/check_circle:")

me = grant()
for rank, tied in ties.items():
    held = f" ({t('held.covered', lang)})" if rank in view.covered else ""
    st.subheader(t("votes.tie", lang, rank=rank, names=", ".join(s.province.name for s in tied)) + held)
    if me is None:
        st.caption(t("votes.sign_in", lang))
        continue
    with st.form(f"vote-{rank}"):
        present = st.number_input(t("votes.present", lang), min_value=1, step=1, key=f"present-{rank}")
        ballots = st.number_input(t("votes.ballots", lang), min_value=0, step=1, key=f"ballots-{rank}")
        counts = {s.code: st.number_input(t("votes.for", lang, name=s.province.name), min_value=0, step=1,
                                          key=f"for-{rank}-{s.code}") for s in tied}
        submitted = st.form_submit_button(t("votes.record", lang))
    if submitted:
        vote = Vote(uuid.uuid4().hex, "", me.user, int(present), int(ballots),
                    tuple((code, int(n)) for code, n in counts.items()))
        try:
            record(vote, me.user, me.role)
        except (NotAllowed, InvalidChangeSet) as exc:
            st.error(explain(exc, lang), icon=":material/block:")
        else:
            if vote_order(vote, config.vote_majority) is None:
                st.warning(t("votes.not_settled", lang), icon=":material/balance:")
            st.toast(t("votes.recorded", lang))



def save_nomination(nomination: Nomination) -> bool:
    try:
        nominate(nomination, me.user, me.role)
    except (NotAllowed, InvalidChangeSet) as exc:
        st.error(explain(exc, lang), icon=":material/block:")
        return False
    st.toast(t("nomination.recorded", lang))
    return True


# Next year's leader and deputy: the preliminary meeting's proposal, then the session's vote.
st.subheader(t("nomination.heading", lang, year=config.year + 1))
nominations = evaluation.sheet.nominations
lines = nomination_lines(nominations, config, lang)
st.markdown("\n".join("- " + escape_markdown(line) for line in lines) if lines else t("nomination.none", lang))
names = {p.code: p.name for p in config.provinces}
codes = list(names)
if me is not None:
    with st.expander(t("nomination.proposal", lang), expanded=not nominations):
        with st.form("nomination-proposal"):
            picks = {post: st.selectbox(t(f"nomination.post.{post}", lang), codes, format_func=names.__getitem__,
                                        key=f"propose-{post}", index=None,
                                        placeholder=t("widget.choose", lang))
                     for post in (LEADER, DEPUTY)}
            proposed = st.form_submit_button(t("nomination.propose", lang))
        if proposed:
            if picks[LEADER] is not None and picks[LEADER] == picks[DEPUTY]:
                st.error(t("nomination.same", lang), icon=":material/block:")
            else:
                for post, code in picks.items():
                    if code is not None:
                        save_nomination(Nomination(uuid.uuid4().hex, "", me.user, post, PROPOSAL, 0, 0, ((code, 0),)))
    for post in (LEADER, DEPUTY):
        label = t(f"nomination.post.{post}", lang)
        proposal = outcome(nominations, post, config.vote_majority).proposed
        candidates = st.multiselect(t("nomination.candidates", lang, post=label), codes,
                                    default=[proposal] if proposal else [], format_func=names.__getitem__,
                                    key=f"candidates-{post}", placeholder=t("widget.choose_many", lang))
        if not candidates:
            continue
        with st.form(f"nomination-{post}"):
            present = st.number_input(t("votes.present", lang), min_value=1, step=1, key=f"n-present-{post}")
            ballots = st.number_input(t("votes.ballots", lang), min_value=0, step=1, key=f"n-ballots-{post}")
            counts = {code: st.number_input(t("votes.for", lang, name=names[code]), min_value=0, step=1,
                                            key=f"n-for-{post}-{code}") for code in candidates}
            submitted = st.form_submit_button(t("nomination.record", lang, post=label))
        if submitted:
            save_nomination(Nomination(uuid.uuid4().hex, "", me.user, post, ELECTION, int(present), int(ballots),
                                       tuple((code, int(n)) for code, n in counts.items())))

votes = [v for v in evaluation.sheet.votes if not public or hidden.isdisjoint(c for c, _ in v.votes)]
if votes:
    st.subheader(t("votes.history", lang))
    names = {p.code: p.name for p in evaluation.sheet.provinces}
    for vote in votes:
        tally = ", ".join(f"{names.get(c, c)}: {n}" for c, n in vote.votes)
        line = f"{vote.time} · {vote.recorder} · {vote.present} / {vote.ballots} · {tally}"
        st.markdown("- " + escape_markdown(line))  # sheet text is text: no link, image or HTML
