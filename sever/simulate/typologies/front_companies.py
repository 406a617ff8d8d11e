"""Front and shell companies in trade (TYPOLOGIES.md section B).

Existing companies, with suppliers and customers of their own, taken over by a nominee director
and sharing an address, phone or e-mail; ownership chains that add up to 50 % or more held by a
designated party (OFAC's 50 % rule); trade payments for goods that do not fit the payer's
business, routed through a third country. Every payment is an ordinary supplier invoice or trade
payment in form: the red flags are who is behind it and what it buys.
"""

from __future__ import annotations

import json

from sever.simulate import names
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology

FRONT_COUNTRIES = ("CN", "HK", "HK")
TRANSIT_COUNTRIES = ("AE", "SG", "TH", "VN", "RU")
CONTACTS = ("address", "phone", "email")


def _pick(plant: Plant, values: tuple[str, ...]) -> str:
    return values[int(plant.rng.integers(0, len(values)))]


def _front(plant: Plant, role: str, party_role: str, **where: str) -> AccountRef:
    """An existing company's account, recruited into the scheme."""
    return plant.recruit(role, "company", party_role=party_role, **where)


MONEY_PATTERNS = {"circle": 0.35, "pairs": 0.15, "through_outsider": 0.25, "end_user_only": 0.25}
"""How a front cluster's money moves, and how often: round all members in a circle; between a
few members; from member to an outside intermediary and on to the next member (no member pays
another directly); or from each member to the end user only."""
CONTACT_SHARE = 0.7
"""Share of clusters whose members copy contact details from each other (the rest share only a
nominee director)."""
KEEP_DIRECTOR_SHARE = 0.5
"""Share of clusters where the nominee joins each board beside a director already there (else
the nominee replaces the board)."""
NOMINEE_OWNER_SHARE = 0.5
"""Share of clusters where the nominee also takes over the shares (else the owners stay)."""
BATCH_SHARE = 0.5
"""Share of clusters formed together shortly before the period (the rest are older companies
taken over)."""
LINKED_SHARE = 0.8
"""Share of clusters whose end user is visibly tied to the DPRK: a company majority-owned by a
listed DPRK organization, and so blocked by OFAC's 50 % rule (the Dandong Hongxiang pattern of
FinCEN's 2017 advisory). The rest pay an end user with no visible tie: a well-disguised front."""


TAKEOVER_DAYS = (30, 540)
"""Days before the period on which a cluster of older companies was taken over: the nominee
joins each board within :data:`TAKEOVER_SPREAD_DAYS` of that day."""
TAKEOVER_SPREAD_DAYS = 45


def _appointed(
    plant: Plant,
    company: AccountRef,
    kept: list[str],
    nominee: str,
    formed: int | None,
    taken_over: int,
) -> str:
    """The front's directors' appointment days (JSON ``{director id: day}``): all at formation
    for a company formed in the batch; else the kept director's as before and the nominee's on
    the takeover (not before the company was formed)."""
    if formed is not None:
        day = formed + int(plant.rng.integers(0, 15))
        return json.dumps(dict.fromkeys([*kept, nominee], day))
    before = json.loads(plant.party_value(company, "appointed") or "{}")
    day = min(
        plant.world.first_day - 1, taken_over + int(plant.rng.integers(0, TAKEOVER_SPREAD_DAYS))
    )
    day = max(day, int(plant.party_value(company, "incorporation_date")) + 1)
    return json.dumps({**{d: before.get(d, day) for d in kept}, nominee: day})


def _money_pattern(plant: Plant) -> str:
    names_ = list(MONEY_PATTERNS)
    weights = [MONEY_PATTERNS[name] for name in names_]
    return names_[int(plant.rng.choice(len(names_), p=weights))]


def _formed_in_batch(plant: Plant, companies: list[AccountRef]) -> list[int]:
    """Incorporation days of companies formed together: within six weeks of a day up to two
    years before the period."""
    batch = plant.world.first_day - int(plant.rng.integers(30, 730))
    return [batch - int(plant.rng.integers(0, 45)) for _ in companies]


HOP_HOURS = {"realistic": (6, 72), "textbook": (2, 24)}
"""Hours between one payment of a cluster and the next (before business hours move it): the
textbook shape passes money on within a day."""
END_USER_HOURS = {"realistic": (2, 48), "textbook": (1, 12)}
"""Hours between one member's payment to the end user and the next member's."""


def _move_money(
    plant: Plant, pattern: str, companies: list[AccountRef], end_user: AccountRef, every: bool
) -> None:
    """The cluster's payments in ``pattern``, then most members (``every``: all, in the
    textbook shape and its pace) pay the end user, each a share of the money."""
    pace = "textbook" if every else "realistic"
    when = plant.start_second(30)
    amount = plant.amount(plant.scheme.flow_usd)
    count = len(companies)
    hops: list[tuple[AccountRef, AccountRef]] = []
    if pattern == "circle":
        hops = list(zip(companies, [*companies[1:], companies[0]], strict=True))
    elif pattern == "pairs":
        for _ in range(max(1, count - 1)):
            a, b = plant.rng.choice(count, 2, replace=False)
            hops.append((companies[int(a)], companies[int(b)]))
    elif pattern == "through_outsider":
        outsider = _front(plant, "intermediary_account", "intermediary", near=companies[0].country)
        for src, dst in zip(companies, [*companies[1:], companies[0]], strict=True):
            hops += [(src, outsider), (outsider, dst)]
    for src, dst in hops:
        when = plant.pay(src, dst, amount, "layering", earliest=plant.later(when, *HOP_HOURS[pace]))
        amount *= plant.rng.uniform(0.96, 0.995)
    payers = [c for c in companies if every or plant.rng.random() < 0.8] or companies[:1]
    for src in payers:
        share = amount / count * plant.rng.uniform(0.6, 1.4)
        when = plant.pay(
            src,
            end_user,
            share,
            "payment_to_end_user",
            earliest=plant.later(when, *END_USER_HOURS[pace]),
        )


def _link_to_dprk(plant: Plant, end_user: AccountRef) -> dict[str, object]:
    """Make the end user visibly DPRK-linked: a listed DPRK organization takes a majority of its
    shares, beside one of its owners."""
    designated, listed = _designated(plant)
    share = round(float(plant.rng.uniform(0.51, 1.0)), 2)
    owners = [{"owner_id": designated, "share": share}]
    kept = json.loads(plant.party_value(end_user, "owners") or "[]")[:1]
    if share < 1.0 and kept:
        owners.append({"owner_id": kept[0]["owner_id"], "share": round(1.0 - share, 2)})
    plant.update_party(end_user, owners=owners)
    return {"end_user_owner": designated, "end_user_owner_share": share, **listed}


@typology("front_company", "front_companies", expected_tx=14)
def front_company(plant: Plant) -> None:
    """Companies tied by nominee directors and often shared addresses, phones or e-mails.

    The structure varies: one or two nominees, who may take over the shares too and may sit
    beside a director already on the board or replace the board; most clusters
    copy one to three contact details from an earlier member (a chain, a star or a tree), the
    rest share only a nominee; about half were formed together shortly before the period, the
    rest are older companies taken over; money goes round in a circle, between a few members,
    through an outside intermediary or only out to the end user, most often a company majority-
    owned by a listed DPRK organization. At ``easy`` difficulty every cluster has the textbook
    shape: shared contacts, formed together, money in a circle, a visibly linked end user."""
    count = max(2, plant.count(plant.scheme.front_companies))
    nominees = [
        plant.recruit(
            "nominee_director", country="CN", party_role="nominee_director", label_account=False
        )
        for _ in range(1 + int(count > 3 and plant.rng.random() < 0.5))
    ]
    first = _front(
        plant, "front_company_account", "front_company", country=_pick(plant, FRONT_COUNTRIES)
    )
    companies = [first]
    companies += [
        _front(plant, "front_company_account", "front_company", near=first.country)
        for _ in range(count - 1)
    ]
    textbook = plant.world.params.difficulty == "easy"  # the blatant shape: all signs at once
    contacts = textbook or plant.rng.random() < CONTACT_SHARE
    takes_shares = textbook or plant.rng.random() < NOMINEE_OWNER_SHARE
    keeps_board = not textbook and plant.rng.random() < KEEP_DIRECTOR_SHARE
    batch = textbook or plant.rng.random() < BATCH_SHARE
    formed = _formed_in_batch(plant, companies) if batch else []
    taken_over = plant.world.first_day - int(plant.rng.integers(*TAKEOVER_DAYS))
    shared: list[str] = []
    for index, company in enumerate(companies):
        nominee = nominees[int(plant.rng.integers(0, len(nominees)))]
        kept = (
            json.loads(plant.party_value(company, "directors") or "[]")[:1] if keeps_board else []
        )
        changes: dict[str, object] = {"directors": [*kept, nominee.holder_id]}
        changes["appointed"] = _appointed(
            plant, company, kept, nominee.holder_id, formed[index] if formed else None, taken_over
        )
        if takes_shares:
            changes["owners"] = [{"owner_id": nominee.holder_id, "share": 1.0}]
        if formed:
            changes["incorporation_date"] = formed[index]
        if index and contacts:
            source = companies[int(plant.rng.integers(0, index))]
            picked = plant.rng.permutation(len(CONTACTS))[: int(plant.rng.integers(1, 4))]
            for trait in sorted(CONTACTS[int(i)] for i in picked):
                changes[trait] = plant.party_value(source, trait)
                shared.append(trait)
        plant.update_party(company, **changes)
    end_user = _front(plant, "end_user_account", "dprk_end_user", country="CN")
    linked = textbook or plant.rng.random() < LINKED_SHARE
    link = _link_to_dprk(plant, end_user) if linked else {}
    pattern = "circle" if textbook else _money_pattern(plant)
    _move_money(plant, pattern, companies, end_user, every=textbook)
    plant.params.update(
        companies=count,
        nominee_directors=[nominee.holder_id for nominee in nominees],
        shared=sorted(set(shared)),
        money=pattern,
        formed_together=batch,
        nominee_owns=takes_shares,
        board_kept=keeps_board,
        end_user=end_user.holder_id,
        end_user_linked=linked,
        **link,
    )


def _designated(plant: Plant) -> tuple[str, dict[str, object]]:
    """The designated owner: a real listed DPRK organization where the lists are loaded."""
    listed = plant.sanctioned.pick(plant.rng, "organizations") if plant.sanctioned else None
    if listed is not None:
        party = plant.company(
            "designated_party",
            "KP",
            name=listed.name,
            industry="trading",
            age_days=(3000, 9000),
        )
        return party, {"listed_id": listed.entity_id, "listed_name": listed.name}
    party = plant.company("designated_party", "KP", industry="trading", age_days=(3000, 9000))
    return party, {"listed_id": None, "listed_name": plant.row(party)["name"]}


@typology("ownership_50pct", "front_companies", expected_tx=20)
def ownership_50pct(plant: Plant) -> None:
    """Companies blocked by OFAC's 50 % rule: owned directly, through a chain, or in aggregate."""
    designated, listed = _designated(plant)
    nominee = plant.recruit(
        "nominee_owner", country="CN", party_role="nominee_owner", label_account=False
    )
    holding = _front(plant, "blocked_account", "blocked_by_50pct", country="HK")
    subsidiary = _front(plant, "blocked_account", "blocked_by_50pct", country="CN")
    aggregate = _front(plant, "blocked_account", "blocked_by_50pct", country="SG")
    direct = round(float(plant.rng.uniform(0.51, 0.8)), 2)
    chain_share = round(float(plant.rng.uniform(0.5, 0.7)), 2)
    a = round(float(plant.rng.uniform(0.2, 0.35)), 2)
    b = round(float(plant.rng.uniform(max(0.5 - a, 0.15), 0.45)), 2)
    owners = {
        holding: [(designated, direct), (nominee.holder_id, round(1 - direct, 2))],
        subsidiary: [
            (holding.holder_id, chain_share),
            (nominee.holder_id, round(1 - chain_share, 2)),
        ],
        aggregate: [
            (designated, a),
            (holding.holder_id, b),
            (nominee.holder_id, round(1 - a - b, 2)),
        ],
    }
    for company, shares in owners.items():
        plant.update_party(
            company,
            directors=[nominee.holder_id],
            owners=[{"owner_id": owner, "share": share} for owner, share in shares],
        )
    accounts = [subsidiary, aggregate, holding]
    when = plant.start_second(60)
    for _ in range(int(plant.rng.integers(12, 28))):
        own = accounts[int(plant.rng.integers(0, len(accounts)))]
        other = plant.legit("company")
        src, dst = (other, own) if plant.rng.random() < 0.5 else (own, other)
        plant.pay(
            src,
            dst,
            plant.amount(plant.scheme.flow_usd),
            "blocked_party_payment",
            earliest=plant.later(when, 0, 24 * 60),
        )
    plant.params.update(
        designated=designated,
        **listed,
        direct_share=direct,
        chain_share=chain_share,
        aggregate_shares=[a, b],
        blocked=[holding.holder_id, subsidiary.holder_id, aggregate.holder_id],
    )


@typology("trade_mismatch", "front_companies", expected_tx=8)
def trade_mismatch(plant: Plant) -> None:
    """Trade payments for goods that do not fit the payer's business, routed via a third country."""
    payer = _front(plant, "front_company_account", "front_company", country="HK")
    transit = _pick(plant, TRANSIT_COUNTRIES)
    broker = _front(plant, "intermediary_account", "intermediary", country=transit)
    third = _front(plant, "third_party_account", "third_party_payer", country="CN")
    foreign = tuple(i for i in names.INDUSTRIES if i not in (payer.industry, "utilities", "retail"))
    when = plant.start_second(90)
    shipments = []
    for _ in range(int(plant.rng.integers(4, 10))):
        goods = _pick(plant, names.INDUSTRIES[_pick(plant, foreign)])
        src = third if plant.rng.random() < 0.3 else payer
        when = plant.pay(
            src,
            broker,
            plant.amount(plant.scheme.flow_usd),
            "mismatched_trade_payment",
            earliest=plant.later(when, 24, 24 * 12),
            goods=goods,
        )
        shipments.append(goods)
    plant.params.update(
        payer_industry=payer.industry, transit=broker.country, shipments=json.dumps(shipments)
    )
