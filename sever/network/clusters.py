"""Front-company clusters: companies tied by rare shared details and officers, with the signs of
a front.

Two companies are tied by every address, phone, e-mail, director or owner they share. A tie is
worth as much as it is rare: a value shared by ``d`` companies weighs ``1 / ln d`` (the
Adamic-Adar weight), so a phone shared by two companies weighs 1.44, a nominee director of six
companies 0.56 and a registered agent's address shared by 500 companies 0.16. Values shared by
more than :attr:`ClusterSettings.most_shared` companies are not paired at all (their weight is
below 0.26 and pairing them is quadratic).

Contact details shared by more than :attr:`ClusterSettings.one_office_at` companies count once
per pair, the strongest of them: a registered agent's address, switchboard and mailbox come as
one service, so they are one tie, not three. Pairs whose ties weigh at least
:attr:`ClusterSettings.pair_weight` are joined into clusters, and so are two companies that paid
one listed or blocked party within 72 hours of each other when their ties weigh at least
:attr:`ClusterSettings.paid_in_turn_pair_weight` (a nominee director of a few companies, not a
registered agent's address), and two that took one officer onto their boards within a quarter of
each other, recently, when their ties weigh at least :attr:`ClusterSettings.joined_pair_weight`
(where the registry gives appointment dates: :mod:`sever.network.appointments`); a parent and its
subsidiary, or two subsidiaries of one parent company, are a declared group and are not paired.
A cluster of more than :attr:`ClusterSettings.split_above` companies is also cut into its
communities (Louvain, on the pairs' tie weights) and reported as those parts when one of them
is raised: fronts are often older companies taken over, which keep their old ties to a family
or a group of innocent companies, and those dilute the signs that half the members must show.
Most tied companies are innocent (an owner-manager's companies, tenants of one office), so a
cluster is raised on the signs of a front (TYPOLOGIES.md section B), each worth named points
(:class:`ClusterSettings`), when they add up to :attr:`ClusterSettings.raise_at`:

- **paid a listed or blocked party in turn** (4): half the members, and at least two, pay one
  party on a sanctions list (a screening hit) or blocked by OFAC's 50 % rule (``linked``, from
  :mod:`sever.network.blocked`) within 72 hours of each other, over occasional links, each
  payment at least :attr:`ClusterSettings.paid_in_turn_least_usd`: an end user collecting from
  its fronts;
- **DPRK link** (1, 2 when every member shows it): half the members, and at least two, pay,
  are paid by or are such a party at any time. Weak alone: a blocked trader deals with hundreds
  of companies, and on the tuning world most Chinese companies trade with one. Not scored
  beside payments in turn, which are the same dealing;
- **pass-through** (2): a member, or an outside party, passes on to one member 80 % or more of
  a payment it received from another, within 72 hours (TYPOLOGIES.md A, red flag 2; B, red
  flag 4: U-turns), over occasional payment links (not a regular supplier's);
- **paid out together** (1): two or more members pay one other outside party, over occasional
  links, within 72 hours of each other;
- **money between members not under one control** (1): payments between a parent and its
  subsidiaries, between companies of one group or of one majority owner, are expected and not
  counted. Not scored beside pass-through, which is money between members too;
- **boards taken over together** (1): two or more members took one officer onto their boards
  within a quarter of each other, in the last two years, each a quarter or more after it was
  formed: older companies taken over by a nominee (shelf companies and nominee directors: FATF
  and Egmont Group, Concealment of Beneficial Ownership, 2018). Only where the registry gives
  appointment dates; boards also change together when a group restructures or a family's
  companies pass to a successor, so it never raises a cluster alone.

A cluster is raised on payments in turn to a listed or blocked party, on money passed through
and a DPRK link every member shows, or on other signs adding up to as much
(:attr:`ClusterSettings.raise_at`). The points follow how much rarer each sign is among the
tuning worlds' front clusters than among their other clusters (seed 3 at default counts and
with 60 front schemes, 82 front clusters and 1,498 others: paid in turn 37 against 1,
pass-through 40 against 8, boards taken over 21 against 16, paid out together 20 against 40,
money between 39 against 107, a DPRK link 68 against 202, formed together 50 against 413).
Every raised cluster says which signs it shows, in words; members formed together recently (two
or more incorporated within :attr:`ClusterSettings.batch_days` of each other, within
:attr:`ClusterSettings.young_years` of the newest company of the graph), young companies and
little trade are reported beside them but score nothing by default (owner-managers' companies
and investors' vehicles are formed in batches as often as fronts are).

The timing signs read ``company_payments`` (each payment between companies, with its time and
its amount in US dollars), so amounts in different currencies compare.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import duckdb
import networkx as nx

from sever.alerts import Alert, Reason, Subject, alert_id
from sever.network.appointments import Appointment, joined_pairs, joined_together

if TYPE_CHECKING:
    from sever.network.blocked import BlockedReport

CONTACT_KINDS = ("address", "phone", "email")


@dataclass(frozen=True)
class ClusterSettings:
    """The thresholds of the front-company analysis (none read off the simulator)."""

    pair_weight: float = 1.4
    """Least summed tie weight for two companies to be tied: one value shared by these two
    companies only (1.44), or several commoner ones (a phone and an address of three: 1.82)."""
    paid_in_turn_pair_weight: float = 0.5
    """Least summed tie weight for two companies that paid one listed or blocked party within
    the window of each other to be tied: a nominee director of up to seven companies (0.51), not
    a registered agent's address."""
    joined_pair_weight: float = 0.5
    """Least summed tie weight for two companies that took one officer onto their boards within
    ``batch_days`` of each other, less than ``young_years`` ago, to be tied: a nominee appointed
    to both together is a stronger tie than one who sits on both boards (the registry must give
    appointment dates)."""
    one_office_at: int = 10
    """Contact details shared by more companies than this count once per pair, the strongest
    of them: a registered agent's address, switchboard and mailbox come as one service, so
    they are one tie, not three."""
    most_shared: int = 50
    """Values shared by more companies than this are too common to tie anyone."""
    young_years: float = 2.0
    """A company incorporated less than this many years before the newest company of the graph
    is young (FATF's shell-company indicators: recently formed)."""
    batch_days: int = 90
    """Companies incorporated within this many days of each other were formed together (a
    quarter: company-formation agents register batches)."""
    occasional_payments: int = 3
    """A payment link of at most this many payments is occasional (not a regular supplier)..."""
    occasional_quantile: float = 0.75
    """...or of no more than this share of the links between two companies carry, where that is
    more (read off the data: in a small, dense world every pair of companies trades often)."""
    few_counterparties: int = 3
    """A company paying or paid by at most this many parties outside its cluster trades little."""
    pass_through_share: float = 0.8
    """A party that pays on to one member between this share and all of a payment it received
    from another member passes the money through (TYPOLOGIES.md A, red flag 2: 80 % or more
    out)."""
    window_hours: float = 72.0
    """Money passed on within this many hours passes through, and members paying one outside
    party within this many hours of each other pay out together (TYPOLOGIES.md A, red flag 2:
    out within 72 hours)."""
    linked_share: float = 0.5
    """Least share of the members (and at least two) that pay, are paid by or are one listed or
    blocked party for a DPRK link: one customer of a blocked supplier is ordinary trade."""
    link_points: float = 1.0
    """Points of a DPRK link: members pay, are paid by or are one listed or blocked party, at
    any time. Weak alone: on the tuning world (seed 3, 40 front schemes) 89 % of the Chinese
    companies trade with some listed or blocked party (a blocked trader deals with hundreds)."""
    every_member_points: float = 1.0
    """Points added to a DPRK link when every member deals with the listed or blocked party."""
    paid_in_turn_points: float = 4.0
    """Points of two or more members paying one listed or blocked party within the window of
    each other, over occasional links: fronts paying their end user in turn. Two companies that
    trade with a blocked trader rarely pay it within days of each other by chance (on the
    tuning worlds, seed 3, 37 of 82 front clusters show it and 1 of 1,498 others), so it raises
    a cluster alone, as it did before when it came with its DPRK link."""
    pass_through_points: float = 2.0
    """Points of money passed through, from one member to another (on the tuning worlds, seed 3,
    40 of 82 front clusters show it and 8 of 1,498 others)."""
    least_usd: float = 3000.0
    """Payments smaller than this (US dollars) do not count for the timing signs: busy companies
    pass small sums on every day. The US threshold for keeping records of funds transfers
    (31 CFR 1010.410, the travel rule)."""
    paid_in_turn_least_usd: float = 1000.0
    """Payments to a listed or blocked party smaller than this do not count for paying it in
    turn (at most :attr:`least_usd`): tied companies paying one such party within days of each
    other are rarer than tied companies passing sums on, so smaller sums count (fronts pay their
    end user in shares of the money; on the tuning world, seed 3, 500 USD raised customers of
    blocked traders at default counts, 1,000 did not)."""
    paid_together_points: float = 1.0
    """Points of members paying one outside party within the window of each other."""
    money_between_points: float = 1.0
    """Points of payments between members that are not under one control."""
    count_evidence_once: bool = True
    """Count one behaviour once: members paying a listed or blocked party in turn also deal with
    it, and money passed on from member to member is also money between members, so the
    weaker sign does not score beside the stronger one (False: both score, as before)."""
    split_above: int = 4
    """A cluster of more companies than this is also cut into its communities (Louvain, on the
    summed tie weights), and reported as those parts when one of them shows enough signs: a
    front recruited from a company group keeps its old ties, which merge it with innocent
    companies that dilute its signs (on the tuning world, 7 of the 19 schemes missed at 60
    front schemes were merged so)."""
    split_resolution: float = 1.0
    """Louvain's resolution for :attr:`split_above` (higher: smaller communities)."""
    taken_over_days: int = 90
    """A director appointed this many days or more after the company was formed joined a board
    already running: a takeover, not a formation."""
    taken_over_points: float = 1.0
    """Points of two or more members that took one officer onto their boards within
    ``batch_days`` of each other, less than ``young_years`` ago, each at least
    ``taken_over_days`` after its formation: older companies taken over together (the registry
    must give appointment dates; boards also change together when a group restructures or a
    family's companies pass to a successor, so it is never enough alone)."""
    formed_together_points: float = 0.0
    """Points of members formed together recently (0: reported, not scored; on the tuning world,
    seed 3, scoring it raised as many families and investors' vehicles as fronts)."""
    raise_at: float = 4.0
    """Least points that raise a cluster: members paying a listed or blocked party in turn, or
    money passed through beside a DPRK link every member shows, or signs adding up to as much.
    Tied companies that move money oddly with no DPRK link are too often innocent (on the
    tuning world, seed 3)."""


@dataclass(frozen=True)
class Tie:
    """One value two companies share and how rare it is."""

    kind: str
    value: str
    shared_by: int

    @property
    def weight(self) -> float:
        import math

        return 1.0 / math.log(self.shared_by)

    def words(self, labels: dict[str, str]) -> str:
        """``phone +85291234567 (shared by 3 companies)``; an officer by name and id."""
        value = self.value
        if self.kind == "officer" and labels.get(value):
            value = f"{labels[value]} ({value})"
        return f"{self.kind} {value} (shared by {self.shared_by} companies)"


@dataclass(frozen=True)
class Cluster:
    """Companies tied together, the ties that join them and the signs they show."""

    companies: tuple[str, ...]
    labels: dict[str, str]
    ties: tuple[tuple[str, str, Tie], ...]
    internal_payments: int
    linked: tuple[tuple[str, str, str], ...]
    """``(member, other, why)``: the member pays, is paid by or is (``other == member``) a
    listed or blocked party, and why that party is linked, in words."""
    young: tuple[str, ...]
    little_trade: tuple[str, ...]
    formed_together: tuple[str, ...] = ()
    """Young members formed within ``batch_days`` of another member."""
    paid_together: tuple[tuple[str, int], ...] = ()
    """Outside parties that two or more members paid, over occasional links, within the window
    of each other, and how many members did."""
    pass_through: tuple[tuple[str, str, str, float, float, float], ...] = ()
    """``(member, via, other member, USD in, USD on, hours between)``: money passed through
    ``via`` within the window."""
    paid_in_turn: tuple[tuple[str, str, str, float], ...] = ()
    """``(member, member, party, hours between)``: two members that paid one listed or blocked
    party within the window of each other (an end user collecting from its fronts)."""
    joined: tuple[Appointment, ...] = ()
    """The most members one officer joined within ``batch_days`` of each other, recently
    (:func:`sever.network.appointments.joined_together`; empty without appointment dates)."""
    scored: tuple[tuple[str, float], ...] = ()
    """The signs of a front it shows, in words, each with its points."""
    raise_at: float = ClusterSettings.raise_at

    @property
    def weight(self) -> float:
        return sum(t.weight for _, _, t in self.ties)

    @property
    def points(self) -> float:
        """The points of its signs of a front."""
        return sum(points for _, points in self.scored)

    @property
    def raised(self) -> bool:
        """Whether its signs add up to the points that raise a cluster."""
        return self.points >= self.raise_at

    @property
    def front_signs(self) -> list[str]:
        """The signs that score: a DPRK link, money passed through, money between members not
        under one control, members formed together recently."""
        return [words for words, _ in self.scored]

    @property
    def signs(self) -> list[str]:
        """Every sign of a front: the scoring signs, then members formed together recently
        (where that does not score), young companies and little trade (reported, not scored)."""
        found = self.front_signs
        if self.formed_together and not any("formed together" in sign for sign in found):
            found.append(
                f"{len(self.formed_together)} of {len(self.companies)} companies formed together "
                "recently"
            )
        if len(self.young) * 2 >= len(self.companies):
            found.append(f"{len(self.young)} of {len(self.companies)} companies young")
        if len(self.little_trade) * 2 >= len(self.companies):
            found.append(f"{len(self.little_trade)} of {len(self.companies)} trade little")
        return found

    def evidence_path(self) -> list[str]:
        """The ties and the money in words, one sentence each: ``A and B share phone +852… (2
        companies)``, ``A pays X, blocked by OFAC's 50 % rule…`` (for a listed or blocked party
        two or more members deal with), ``B passed on to C 97 % of what A paid it``."""
        name = self.labels.get
        out = []
        for a, b, tie in self.ties:
            out.append(f"{name(a, a)} and {name(b, b)} share {tie.words(self.labels)}")
        dealt = Counter(other for _, other, _ in self.linked)
        for company, other, why in self.linked:
            if other != company and dealt[other] < 2:
                continue
            if other == company:
                out.append(f"{name(company, company)} is {why}")
            else:
                out.append(
                    f"{name(company, company)} is paid by or pays {name(other, other)}, {why}"
                )
        for src, via, dst, got, paid, hours in self.pass_through:
            out.append(
                f"{name(via, via)} passed on to {name(dst, dst)} {paid:,.2f} USD of the "
                f"{got:,.2f} USD {name(src, src)} paid it ({paid / got:.0%}), {hours:.0f} hours "
                "later"
            )
        for a, b, party, hours in self.paid_in_turn:
            out.append(
                f"{name(a, a)} and {name(b, b)} paid {name(party, party)}, a listed or blocked "
                f"party, {hours:.0f} hours apart"
            )
        if self.joined:
            officer = self.joined[0].officer
            out.append(
                f"{name(officer, officer)} joined the boards of "
                + ", ".join(
                    f"{name(s.company, s.company)} on {s.appointed.isoformat()}"
                    + (f" (formed {s.formed.isoformat()})" if s.formed is not None else "")
                    for s in self.joined
                )
            )
        collecting = {party for _, _, party, _ in self.paid_in_turn}
        for payee, payers in self.paid_together:
            if payee not in collecting:
                out.append(f"{payers} members paid {name(payee, payee)} within days of each other")
        return out


def _scored(cluster: Cluster, settings: ClusterSettings) -> tuple[tuple[str, float], ...]:
    """The signs of a front the cluster shows, in words, each with its points."""
    size = len(cluster.companies)
    dealing: dict[str, set[str]] = defaultdict(set)
    for member, other, _ in cluster.linked:
        dealing[other].add(member)
    party, members = max(dealing.items(), key=lambda kv: (len(kv[1]), kv[0]), default=("", set()))
    passing = sorted({via for _, via, *_ in cluster.pass_through})
    in_turn: dict[str, set[str]] = defaultdict(set)
    for a, b, paid, _ in cluster.paid_in_turn:
        in_turn[paid] |= {a, b}
    collector, payers = max(
        in_turn.items(), key=lambda kv: (len(kv[1]), kv[0]), default=("", set())
    )
    others = [payee for payee, _ in cluster.paid_together if payee not in in_turn]
    taken = [s for s in cluster.joined if (s.after_formation() or 0) >= settings.taken_over_days]
    officer = cluster.joined[0].officer if cluster.joined else ""
    spread = (taken[-1].appointed - taken[0].appointed).days if taken else 0
    in_turn_shown = len(payers) >= max(2.0, settings.linked_share * size)
    once = settings.count_evidence_once
    signs = [
        (
            len(members) >= max(2.0, settings.linked_share * size) and not (once and in_turn_shown),
            settings.link_points + settings.every_member_points * (len(members) == size),
            f"{len(members)} of {size} members deal with {cluster.labels.get(party, party)}, "
            "a listed or blocked party",
        ),
        (
            in_turn_shown,
            settings.paid_in_turn_points,
            f"{len(payers)} of {size} members paid {cluster.labels.get(collector, collector)}, "
            "a listed or blocked party, within days of each other",
        ),
        (
            cluster.pass_through,
            settings.pass_through_points,
            "money passed on from member to member by "
            + ", ".join(cluster.labels.get(via, via) for via in passing),
        ),
        (
            others,
            settings.paid_together_points,
            "members paid "
            + ", ".join(cluster.labels.get(p, p) for p in others)
            + " within days of each other",
        ),
        (
            cluster.internal_payments and not (once and cluster.pass_through),
            settings.money_between_points,
            f"{cluster.internal_payments} payments between members not under one control",
        ),
        (
            len(taken) >= 2,
            settings.taken_over_points,
            f"{len(taken)} of {size} members took {cluster.labels.get(officer, officer)} onto "
            f"their boards within {spread} days of each other, recently, each months or years "
            "after it was formed: boards taken over together",
        ),
        (
            cluster.formed_together,
            settings.formed_together_points,
            f"{len(cluster.formed_together)} of {size} companies formed together recently",
        ),
    ]
    return tuple((words, points) for shown, points, words in signs if shown and points > 0)


_TIES = """
WITH comp AS (SELECT node_id FROM nodes WHERE kind = 'company'),
ties AS (
    SELECT DISTINCT e.src AS company, e.dst AS tie, e.kind
    FROM edges e JOIN comp c ON c.node_id = e.src
    WHERE e.kind IN ('address', 'phone', 'email')
    UNION
    SELECT DISTINCT e.dst, e.src, 'officer'
    FROM edges e JOIN comp c ON c.node_id = e.dst
    WHERE e.kind IN ('directorship', 'ownership')
),
degree AS (SELECT tie, count(*) AS d FROM ties GROUP BY tie HAVING count(*) BETWEEN 2 AND ?),
owned AS (
    SELECT e.src AS parent, e.dst AS child FROM edges e
    JOIN comp p ON p.node_id = e.src JOIN comp c ON c.node_id = e.dst
    WHERE e.kind = 'ownership'
),
grouped AS (
    SELECT parent AS x, child AS y FROM owned UNION SELECT child, parent FROM owned
    UNION SELECT a.child, b.child FROM owned a JOIN owned b ON a.parent = b.parent
)
SELECT a.company, b.company, a.kind, a.tie, d.d
FROM ties a
JOIN degree d ON d.tie = a.tie
JOIN ties b ON b.tie = a.tie AND a.company < b.company
ANTI JOIN grouped g ON g.x = a.company AND g.y = b.company
"""


def pair_weight(ties: list[Tie], one_office_at: int) -> float:
    """The summed weight of two companies' ties, the contact details shared by more than
    ``one_office_at`` companies counted once (the strongest of them)."""
    common = [t.weight for t in ties if t.kind in CONTACT_KINDS and t.shared_by > one_office_at]
    rare = [t.weight for t in ties if t.kind not in CONTACT_KINDS or t.shared_by <= one_office_at]
    return sum(rare) + max(common, default=0.0)


def find_clusters(
    con: duckdb.DuckDBPyConnection,
    settings: ClusterSettings,
    linked: Mapping[str, str] | None = None,
) -> list[Cluster]:
    """Every cluster of tied companies (two or more), the raised first, with its signs.

    ``linked`` names parties known to be DPRK-linked beyond the graph's screening hits (the
    parties the 50 % rule found listed or blocked: :func:`linked_by_rule`), each with why."""
    pairs: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for a, b, kind, tie, d in con.execute(_TIES, [settings.most_shared]).fetchall():
        value = tie.split(":", 1)[1] if kind in CONTACT_KINDS else tie
        pairs[(a, b)].append(Tie(kind, value, int(d)))
    _linked_parties(con, linked or {})
    in_turn = _paid_in_turn(con, settings)
    joined = joined_pairs(con, int(settings.young_years * 365.25), settings.batch_days)
    graph = nx.Graph()
    for (a, b), ties in sorted(pairs.items()):
        weight = pair_weight(ties, settings.one_office_at)
        if (
            weight >= settings.pair_weight
            or ((a, b) in in_turn and weight >= settings.paid_in_turn_pair_weight)
            or ((a, b) in joined and weight >= settings.joined_pair_weight)
        ):
            graph.add_edge(a, b, ties=ties, weight=weight)
    components = sorted(sorted(c) for c in nx.connected_components(graph))
    whole = _described(con, graph, components, in_turn, settings)
    parts = _described(con, graph, _communities(graph, components, settings), in_turn, settings)
    component_of = {m: number for number, members in enumerate(components) for m in members}
    parts_of: dict[int, list[Cluster]] = defaultdict(list)
    for part in parts:
        parts_of[component_of[part.companies[0]]].append(part)
    clusters = []
    for number, cluster in enumerate(whole):
        split = parts_of.get(number, [])
        clusters.extend(split if any(part.raised for part in split) else [cluster])
    return sorted(clusters, key=lambda c: (-c.points, -c.weight, c.companies))


def _communities(
    graph: nx.Graph, components: list[list[str]], settings: ClusterSettings
) -> list[list[str]]:
    """The communities (two companies or more) of every component of more than
    :attr:`ClusterSettings.split_above` companies: Louvain's, on the pairs' summed tie weights
    (seeded, so the same graph gives the same communities)."""
    communities = []
    for component in components:
        if len(component) <= settings.split_above:
            continue
        for community in nx.community.louvain_communities(
            graph.subgraph(component), weight="weight", resolution=settings.split_resolution, seed=0
        ):
            if 2 <= len(community) < len(component):
                communities.append(sorted(community))
    return sorted(communities)


def _described(
    con: duckdb.DuckDBPyConnection,
    graph: nx.Graph,
    groups: list[list[str]],
    in_turn: dict[tuple[str, str], tuple[str, float]],
    settings: ClusterSettings,
) -> list[Cluster]:
    """Each group of companies as a cluster: its ties in ``graph``, its facts and its signs."""
    facts = _facts(con, groups, settings)
    cluster_of = {member: number for number, members in enumerate(groups) for member in members}
    turns: dict[int, list[tuple[str, str, str, float]]] = defaultdict(list)
    for (a, b), (party, hours) in sorted(in_turn.items()):
        if a in cluster_of and cluster_of[a] == cluster_of.get(b):
            turns[cluster_of[a]].append((a, b, party, hours))
    clusters = []
    for number, members in enumerate(groups):
        edges = sorted(graph.subgraph(members).edges(data=True))
        ties = tuple((a, b, tie) for a, b, data in edges for tie in data["ties"])
        cluster = Cluster(
            companies=tuple(members),
            labels=facts.labels,
            ties=ties,
            internal_payments=facts.internal.get(number, 0),
            linked=tuple(facts.linked.get(number, ())),
            young=tuple(m for m in members if m in facts.young),
            formed_together=tuple(facts.batches.get(number, ())),
            paid_together=tuple(facts.together.get(number, ())),
            pass_through=tuple(facts.through.get(number, ())),
            joined=tuple(facts.joined.get(number, ())),
            paid_in_turn=tuple(turns.get(number, ())),
            little_trade=tuple(
                m for m in members if facts.outside.get(m, 0) <= settings.few_counterparties
            ),
            raise_at=settings.raise_at,
        )
        clusters.append(replace(cluster, scored=_scored(cluster, settings)))
    return clusters


def linked_by_rule(report: BlockedReport) -> dict[str, str]:
    """The parties the 50 % rule linked to a list or found blocked, each with why in words."""
    linked = {
        party: f"listed as {links[0].caption} on {links[0].dataset}"
        for party, links in report.links.items()
        if links
    }
    for verdict in report.outcome.blocked:
        linked.setdefault(verdict.entity, f"blocked by OFAC's 50 % rule ({verdict.arithmetic})")
    return linked


@dataclass(frozen=True)
class _Facts:
    labels: dict[str, str]
    internal: dict[int, int]
    linked: dict[int, list[tuple[str, str, str]]]
    young: set[str]
    outside: dict[str, int]
    batches: dict[int, list[str]]
    together: dict[int, list[tuple[str, int]]]
    through: dict[int, list[tuple[str, str, str, float, float, float]]]
    joined: dict[int, list[Appointment]]


def _linked_parties(con: duckdb.DuckDBPyConnection, linked: Mapping[str, str]) -> None:
    """The temporary table ``linked_parties(node_id, why)``: parties with a screening hit in the
    graph and those of ``linked``."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE linked_parties AS
           SELECT src AS node_id, 'screened as list entry ' || min(dst) AS why FROM edges
           WHERE kind = 'list_link' GROUP BY src"""
    )
    con.execute(
        "INSERT INTO linked_parties SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS node_id, "
        "unnest(?::VARCHAR[]) AS why) WHERE node_id NOT IN (SELECT node_id FROM linked_parties)",
        [list(linked), list(linked.values())],
    )


def _facts(
    con: duckdb.DuckDBPyConnection,
    groups: list[list[str]],
    settings: ClusterSettings,
) -> _Facts:
    """Labels, payments, links and ages of every cluster's members, in a few queries over all
    (the linked parties are in ``linked_parties``: :func:`_linked_parties`)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE members AS SELECT unnest(?::VARCHAR[]) AS node_id, "
        "unnest(?::INTEGER[]) AS cluster",
        [[m for g in groups for m in g], [i for i, g in enumerate(groups) for _ in g]],
    )
    labels = dict(
        con.execute(
            """SELECT n.node_id, n.label FROM nodes n
               WHERE n.node_id IN (SELECT node_id FROM members)
                  OR n.node_id IN (SELECT e.src FROM edges e JOIN members m ON m.node_id = e.dst
                                   WHERE e.kind IN ('directorship', 'ownership'))
                  OR n.node_id IN (SELECT node_id FROM linked_parties)"""
        ).fetchall()
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE member_payments AS
           SELECT m.cluster, m.node_id AS member, p.other, p.count,
                  o.cluster AS other_cluster
           FROM members m
           JOIN (SELECT src AS member, dst AS other, count FROM edges WHERE kind = 'payment'
                 UNION ALL
                 SELECT dst, src, count FROM edges WHERE kind = 'payment') p
             ON p.member = m.node_id
           LEFT JOIN members o ON o.node_id = p.other"""
    )
    control = _control_groups(con)
    internal: dict[int, int] = defaultdict(int)
    for cluster, member, other, count in con.execute(
        """SELECT cluster, member, other, count FROM member_payments
           WHERE other_cluster = cluster AND member < other"""
    ).fetchall():
        if control.get(member, member) != control.get(other, other):
            internal[int(cluster)] += int(count)
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for cluster, member, other, why in con.execute(
        """SELECT DISTINCT p.cluster, p.member, p.other, l.why FROM member_payments p
           JOIN linked_parties l ON l.node_id = p.other
           UNION
           SELECT m.cluster, m.node_id, m.node_id, l.why FROM members m
           JOIN linked_parties l ON l.node_id = m.node_id
           ORDER BY ALL"""
    ).fetchall():
        found[int(cluster)].append((member, other, why))
    through, together = _timing(con, settings)
    outside = dict(
        con.execute(
            """SELECT m.node_id, count(DISTINCT p.other) FILTER (
                   WHERE p.other_cluster IS NULL OR p.other_cluster <> p.cluster)
               FROM members m LEFT JOIN member_payments p ON p.member = m.node_id
               GROUP BY m.node_id"""
        ).fetchall()
    )
    last = con.execute(
        "SELECT max(since) FROM nodes WHERE kind = 'company' AND since IS NOT NULL"
    ).fetchone()[0]
    young: set[str] = set()
    if last is not None:
        young = {
            r[0]
            for r in con.execute(
                """SELECT n.node_id FROM nodes n JOIN members USING (node_id)
                   WHERE n.since IS NOT NULL AND date_diff('day', n.since, ?) < ?""",
                [last, int(settings.young_years * 365.25)],
            ).fetchall()
        }
    batches: dict[int, list[str]] = defaultdict(list)
    if last is not None:
        for cluster, member in con.execute(
            """WITH recent AS (
                   SELECT m.cluster, m.node_id, n.since FROM members m JOIN nodes n USING (node_id)
                   WHERE n.since IS NOT NULL AND date_diff('day', n.since, ?) < ?
               )
               SELECT DISTINCT a.cluster, a.node_id FROM recent a JOIN recent b
                 ON a.cluster = b.cluster AND a.node_id <> b.node_id
                AND abs(date_diff('day', a.since, b.since)) <= ?
               ORDER BY ALL""",
            [last, int(settings.young_years * 365.25), settings.batch_days],
        ).fetchall():
            batches[int(cluster)].append(member)
    vias = {via for hops in through.values() for _, via, *_ in hops}
    named = sorted(
        (vias | {payee for found in together.values() for payee, _ in found}) - set(labels)
    )
    labels.update(
        con.execute(
            "SELECT node_id, label FROM nodes WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
            [named],
        ).fetchall()
    )
    joined = joined_together(con, last, int(settings.young_years * 365.25), settings.batch_days)
    officers = sorted({s.officer for seats in joined.values() for s in seats} - set(labels))
    labels.update(
        con.execute(
            "SELECT node_id, label FROM nodes WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
            [officers],
        ).fetchall()
    )
    return _Facts(labels, dict(internal), found, young, outside, batches, together, through, joined)


_TIMED = """
CREATE OR REPLACE TEMP TABLE member_flows AS
SELECT p.src, p.dst, p.paid_at, p.usd, s.cluster AS src_cluster, d.cluster AS dst_cluster
FROM company_payments p
SEMI JOIN (SELECT src, dst FROM edges WHERE kind = 'payment' AND count <= ?) o
  ON o.src = p.src AND o.dst = p.dst
LEFT JOIN members s ON s.node_id = p.src
LEFT JOIN members d ON d.node_id = p.dst
WHERE p.usd >= ? AND (s.cluster IS NOT NULL OR d.cluster IS NOT NULL);
"""


def _most_occasional(con: duckdb.DuckDBPyConnection, settings: ClusterSettings) -> int | None:
    """The most payments an occasional link between two companies carries
    (:attr:`ClusterSettings.occasional_payments` or the :attr:`ClusterSettings.occasional_quantile`
    of the links, whichever is more); None when the graph has no ``company_payments``."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'company_payments'"
    ).fetchone()[0]
    if not has:
        return None
    occasional = con.execute(
        """SELECT quantile_disc(e.count, ?) FROM edges e
           SEMI JOIN nodes a ON a.node_id = e.src AND a.kind = 'company'
           SEMI JOIN nodes b ON b.node_id = e.dst AND b.kind = 'company'
           WHERE e.kind = 'payment'""",
        [settings.occasional_quantile],
    ).fetchone()[0]
    return max(settings.occasional_payments, int(occasional or 0))


_PAID_IN_TURN = """
WITH paid AS (
    SELECT p.src, p.dst, epoch(p.paid_at) AS at FROM company_payments p
    SEMI JOIN linked_parties l ON l.node_id = p.dst
    SEMI JOIN (SELECT src, dst FROM edges WHERE kind = 'payment' AND count <= ?) o
      ON o.src = p.src AND o.dst = p.dst
    WHERE p.usd >= ?
)
SELECT a.src, b.src, arg_min(a.dst, abs(a.at - b.at)), min(abs(a.at - b.at)) / 3600
FROM paid a JOIN paid b ON b.dst = a.dst AND a.src < b.src AND abs(a.at - b.at) <= ?
GROUP BY a.src, b.src
"""


def _paid_in_turn(
    con: duckdb.DuckDBPyConnection, settings: ClusterSettings
) -> dict[tuple[str, str], tuple[str, float]]:
    """Pairs of companies that paid one listed or blocked party (``linked_parties``) within the
    window of each other, over occasional links, each at least
    :attr:`ClusterSettings.paid_in_turn_least_usd`: the party and the hours between."""
    most = _most_occasional(con, settings)
    if most is None:
        return {}
    rows = con.execute(
        _PAID_IN_TURN,
        [
            most,
            min(settings.least_usd, settings.paid_in_turn_least_usd),
            int(settings.window_hours * 3600),
        ],
    ).fetchall()
    return {(a, b): (party, float(hours)) for a, b, party, hours in rows}


def _timing(
    con: duckdb.DuckDBPyConnection, settings: ClusterSettings
) -> tuple[
    dict[int, list[tuple[str, str, str, float, float, float]]], dict[int, list[tuple[str, int]]]
]:
    """Money passed through from member to member, and outside parties paid by several members,
    within the window, over occasional links (from ``company_payments``; none without it)."""
    through: dict[int, list[tuple[str, str, str, float, float, float]]] = defaultdict(list)
    together: dict[int, list[tuple[str, int]]] = defaultdict(list)
    most = _most_occasional(con, settings)
    if most is None:
        return through, together
    con.execute(_TIMED, [most, settings.least_usd])
    window = int(settings.window_hours * 3600)
    for cluster, src, via, dst, got, paid, seconds in con.execute(
        """SELECT i.src_cluster, i.src, i.dst, arg_min(o.dst, o.paid_at), arg_min(i.usd, o.paid_at),
                  arg_min(o.usd, o.paid_at), min(epoch(o.paid_at) - epoch(i.paid_at))
           FROM member_flows i JOIN member_flows o
             ON o.src = i.dst AND o.dst_cluster = i.src_cluster
            AND o.paid_at > i.paid_at AND o.paid_at <= i.paid_at + to_seconds(?)
           WHERE o.dst <> i.dst AND (o.dst <> i.src OR i.dst_cluster = i.src_cluster)
             AND o.usd BETWEEN ? * i.usd AND i.usd
           GROUP BY i.src_cluster, i.src, i.dst ORDER BY ALL""",
        [window, settings.pass_through_share],
    ).fetchall():
        through[int(cluster)].append((src, via, dst, float(got), float(paid), seconds / 3600))
    for cluster, payee, payers in con.execute(
        """WITH out AS (SELECT src_cluster AS cluster, src, dst, paid_at FROM member_flows
                        WHERE src_cluster IS NOT NULL
                          AND (dst_cluster IS NULL OR dst_cluster <> src_cluster))
           SELECT a.cluster, a.dst, count(DISTINCT a.src) FROM out a JOIN out b
             ON b.cluster = a.cluster AND b.dst = a.dst AND b.src <> a.src
            AND abs(epoch(b.paid_at) - epoch(a.paid_at)) <= ?
           GROUP BY ALL ORDER BY ALL""",
        [window],
    ).fetchall():
        together[int(cluster)].append((payee, int(payers)))
    return through, together


def _control_groups(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each member's control group: companies joined by a company owner (a corporate group), by
    an owner of half or more, or by an owner who also directs the company (an owner-manager).
    Payments within a group are expected."""
    graph = nx.Graph()
    graph.add_edges_from(
        con.execute(
            """SELECT e.src, e.dst FROM edges e JOIN members m ON m.node_id = e.dst
               LEFT JOIN nodes n ON n.node_id = e.src
               WHERE e.kind = 'ownership'
                 AND (n.kind = 'company' OR e.share >= 0.5
                      OR EXISTS (SELECT 1 FROM edges d WHERE d.kind = 'directorship'
                                 AND d.src = e.src AND d.dst = e.dst))"""
        ).fetchall()
    )
    return {
        node: number for number, part in enumerate(nx.connected_components(graph)) for node in part
    }


def cluster_alerts(clusters: list[Cluster]) -> list[Alert]:
    """One ``front_company`` finding per raised cluster (:attr:`Cluster.raised`): its signs with
    their points, its ties and its money in words. A DPRK link makes it high severity; the score
    is its points over twice the points that raise a cluster, plus a twentieth of its tie weight
    (rarer ties, a stronger cluster), at most 1."""
    alerts = []
    for cluster in clusters:
        if not cluster.raised:
            continue
        reasons = (
            Reason("companies tied by rare shared details", len(cluster.companies), 2, ">="),
            Reason("summed tie weight (1/ln of how many share each value)", cluster.weight),
            Reason("points of the signs of a front", cluster.points, cluster.raise_at, ">="),
            *(Reason("sign of a front", sign) for sign in cluster.signs),
        )
        score = min(1.0, cluster.points / (2 * cluster.raise_at) + cluster.weight / 20)
        path = cluster.evidence_path()
        alerts.append(
            Alert(
                alert_id=alert_id("network.front_company", cluster.companies[0], cluster.companies),
                typology="front_company",
                rule_id="network.front_company",
                severity="high" if cluster.linked else "medium",
                accounts=(),
                tx_ids=(),
                amount=0.0,
                period_start=None,
                period_end=None,
                score=round(score, 3),
                reasons=reasons,
                evidence={"companies": list(cluster.companies), "path": path},
                explanation="; ".join(path),
                verb="network",
                subjects=tuple(
                    Subject("company", c, cluster.labels.get(c, "")) for c in cluster.companies
                ),
            )
        )
    return alerts
