#!/usr/bin/env python3
"""Deterministic generator of large filing-like documents, for benchmarks and streaming tests.

    python3 Corpora/generate.py --kind html --bytes 1000000000 --seed 1 --gzip > /tmp/big.html.gz
    python3 Corpora/generate.py --kind text --bytes 200000000 --gzip > /tmp/big.txt.gz
    python3 Corpora/generate.py --kind html --bytes 4000000 > /tmp/filing.html

`--bytes` is the exact size of the document before compression (at least 4,096). The same
`--kind`, `--bytes` and `--seed` give the same document everywhere (written with Python 3.11; only
`random.Random` with an integer seed, its `random`, `randrange`, `randint`, `choice` and `sample`,
and lists are used, never set or dict order). The document is written as it is generated, in blocks
of about 1 MiB, and never held in memory; `--gzip` compresses the stream with zlib (level `--level`,
default 6; gzip header with no name and mtime 0), so the compressed bytes also depend on the zlib
version.

Everything here was written for this project: the word lists below, and names of companies, places
and products made up from syllables. Nothing is taken from third-party text.

Kinds:

* `html`: one inline-XBRL filing in the shape of an SEC 10-K as a filing agent writes it: an XML
  declaration, `<html xmlns:ix=...>`, a `<div style="display:none"><ix:header>` of hidden facts,
  units and contexts (about 8 % of the document, at most 32 MB), then PART / Item sections with bold
  standalone headings and sub-headings, paragraphs as `<div><span style="...font-weight:400...">`
  runs with `&#160;` and `&#8217;` references and inline `ix:nonNumeric` facts, financial tables
  (a width row of empty cells, a header row, label cells, `$` in a cell of its own, amounts wrapped
  in `ix:nonFraction` for about half of them, `)` of negative amounts in a cell of its own, spacer
  cells), page footers and `<hr style="page-break-after:always"/>` page breaks. UTF-8, all ASCII.
* `text`: a stream of report- and contract-like documents in plain UTF-8 (mostly ASCII, with
  curly quotes, `§` and em dashes): titles, PART / Item and ARTICLE headings, numbered sections
  (`4.2`) with lettered clauses, sentences with abbreviations (Inc., U.S., e.g., i.e., No.),
  amounts, percentages and dates, and a few fixed-width tables; paragraphs separated by blank lines.

The words come from hand-written lists of some 700 English words plus about 1,300 made-up names, and
sentences from a small grammar with random amounts, dates and percentages, so gzip compresses the
output far less than the 200:1 at which Folio refuses a gzip stream as a decompression bomb: measured
with seed 1, 10^9 bytes and zlib 1.2.13, 3.7:1 for text (270,336,738 bytes) and 10.7:1 for html
(93,469,254 bytes; repeated `style` attributes make markup compress more, as in the real filings of
../shared, which gzip 10:1 to 19:1).
Generating runs at about 10 MB/s (text) and 30 MB/s (html) on one core, compression included.
"""
import argparse
import random
import sys
import zlib

# ---------------------------------------------------------------------------------------------
# Vocabulary (written for this project)

NOUNS = """
account accrual acquisition adjustment advance affiliate agency agent agreement allocation allowance
amendment amortization amount analysis annuity application appraisal approval arrangement asset
assessment assignment assumption audit authority award backlog balance bank bankruptcy barrier basis
benchmark benefit bond bonus borrower borrowing boundary branch brand breach budget building bundle
business buyer calculation calendar campaign capacity capital carrier carryforward cash catalog
category certificate chain change channel charge charter claim class clause client closing
collateral collection commission commitment committee commodity company compensation competitor
compliance component condition conduct consent consideration consolidation constraint consultant
consumer contingency contract contribution control conversion copyright corporation cost counsel
counterparty covenant coverage credit creditor currency customer cycle damage data deadline debt
decision declaration decline deduction default deficiency delay delivery demand deposit depreciation
derivative design development device difference director disclosure discount dispute distribution
distributor dividend division document duty earnings easement effect efficiency element employee
employer endorsement engineer enterprise entity equipment equity estimate event exception exchange
exclusivity execution exemption exercise exhibit expansion expense experience exposure facility
factor failure fee filing finance firm fiscal fixture footprint forecast franchise freight function
fund funding gain goodwill grant guarantee guidance hedge holder holding impairment improvement
incentive income increase indebtedness indemnity index infrastructure initiative injury input
installment instrument insurance intangible interest interruption inventory investment investor
invoice issuance issuer judgment jurisdiction labor landlord lease lender liability license licensee
licensor lien limitation line liquidity litigation loan location loss maintenance majority manager
manufacturer margin market material maturity measure member merger method milestone minimum mix model
module mortgage network notice objective obligation offering officer operation opportunity option
order outlook output outsourcing owner ownership package parent participant partner partnership party
patent payment payroll penalty pension percentage performance period permit plan platform pledge
policy portfolio position premium price principal priority procedure proceeds process product
production profit program project property proposal provision purchase purchaser quality quarter
quota range rate ratio rebate receivable recognition record recovery reduction refund region
registration regulation regulator reimbursement relationship release remedy renewal rent report
representation requirement reserve resolution resource restriction restructuring result retailer
return revenue review reward right risk royalty safeguard salary sale schedule scope security segment
seller service settlement share shareholder shipment shortfall software source specification sponsor
stake standard statement status stock storage strategy structure subsidiary supplier supply support
surplus system target tariff tax technology tenant term termination territory test threshold title
trademark transaction transfer transition treasury trend trust trustee turnover uncertainty
underwriter unit update usage utility valuation value variance vendor venture volume waiver warehouse
warrant warranty withdrawal workforce yield
""".split()

ADJECTIVES = """
accrued active additional adverse aggregate annual applicable approved available average base binding
central certain comparable competitive consolidated contingent continuing contractual
corporate cumulative current customary deferred definitive diluted direct discretionary domestic
due effective eligible estimated exclusive existing expected external fair favorable federal final
financial firm fixed foreign forward full future general global gross historical incremental
independent indirect initial intangible interim internal joint key lawful limited liquid local
long-term material maximum minimum monthly mutual net new nonexclusive normal operating ordinary
organic original outstanding overall partial pending periodic permitted perpetual physical preferred
preliminary primary principal prior private proposed proprietary prospective public qualified
quarterly reasonable recurring regional regulatory related relevant remaining renewable reportable
required residual restricted retail revised royalty-free scheduled secured senior separate
short-term significant similar specific standard statutory strategic subordinated subsequent
substantial sufficient supplemental taxable technical temporary territorial total trailing
transitional unaudited uncommitted underlying unearned unfavorable uniform unrealized unsecured
variable weighted wholesale worldwide written
""".split()

VERBS_PAST = """
accelerated acquired adjusted allocated amended announced approved assumed audited authorized
borrowed capitalized completed consolidated contributed converted declined deferred delivered
designated disclosed discontinued divested earned elected entered established estimated exceeded
executed expanded extended financed funded granted identified impaired implemented improved incurred
increased issued launched maintained negotiated obtained offset paid purchased reclassified recognized
recorded redeemed reduced refinanced released renewed repaid repurchased reported reserved restated
restructured retained reviewed settled shipped signed terminated transferred updated utilized waived
""".split()

VERBS_BASE = """
accept acquire adjust allocate amend approve assign assume audit authorize bear borrow calculate cause
comply conduct consent cooperate cover cure defend deliver deposit determine disclose distribute
enforce ensure establish evaluate exercise extend file fund furnish grant hold implement indemnify
inform inspect issue maintain manufacture monitor negotiate notify obtain operate pay perform permit
pledge prepare procure promote protect provide purchase record reimburse release remit renew repair
replace report repurchase require reserve retain review secure sell settle ship submit supply support
terminate transfer update verify waive withhold
""".split()

ADVERBS = """
accordingly additionally generally historically however materially notably primarily principally
promptly reasonably regularly separately similarly subsequently substantially thereafter typically
""".split()

PREPOSITIONS = "for under in within across against during through over from after before".split()

SUBJECTS = [
    "the Company", "we", "our management", "the Board of Directors", "the Audit Committee", "the Supplier",
    "the Buyer", "each Party", "the Licensee", "the Licensor", "the Borrower", "the Administrative Agent",
    "our subsidiaries", "the joint venture", "the Distributor", "the Trustee", "the Guarantor",
    "our independent auditors", "the Compensation Committee", "our customers", "the Purchaser",
]

METRICS = [
    "Net sales", "Net revenues", "Operating income", "Gross margin", "Selling, general and administrative expenses",
    "Research and development expense", "Net income", "Free cash flow", "Diluted earnings per share",
    "Cost of sales", "Interest expense", "Income tax expense", "Capital expenditures", "Operating cash flow",
    "Service revenue", "Product revenue", "Adjusted EBITDA", "Backlog", "Deferred revenue", "Total debt",
]

CAUSES = [
    "higher unit volume", "favorable pricing", "the timing of shipments", "foreign currency fluctuations",
    "lower raw material costs", "increased headcount", "the acquisition completed in the second quarter",
    "restructuring charges", "higher interest rates", "a shift in product mix", "the expiration of a license",
    "one-time litigation costs", "stronger demand in Asia Pacific", "supply constraints", "lower freight costs",
    "the sale of a non-core business", "higher depreciation", "inflationary pressures", "new customer wins",
]

ITEMS = [
    ("PART I", "Item 1. Business"), ("PART I", "Item 1A. Risk Factors"), ("PART I", "Item 1B. Unresolved Staff Comments"),
    ("PART I", "Item 1C. Cybersecurity"), ("PART I", "Item 2. Properties"), ("PART I", "Item 3. Legal Proceedings"),
    ("PART II", "Item 5. Market for Registrant's Common Equity, Related Stockholder Matters and Issuer Purchases of Equity Securities"),
    ("PART II", "Item 7. Management's Discussion and Analysis of Financial Condition and Results of Operations"),
    ("PART II", "Item 7A. Quantitative and Qualitative Disclosures About Market Risk"),
    ("PART II", "Item 8. Financial Statements and Supplementary Data"),
    ("PART II", "Item 9A. Controls and Procedures"),
    ("PART III", "Item 10. Directors, Executive Officers and Corporate Governance"),
    ("PART III", "Item 11. Executive Compensation"),
    ("PART IV", "Item 15. Exhibit and Financial Statement Schedules"),
]

ARTICLES = [
    "DEFINITIONS", "SUPPLY AND PURCHASE", "PRICE AND PAYMENT", "DELIVERY AND ACCEPTANCE", "WARRANTIES",
    "INDEMNIFICATION", "LIMITATION OF LIABILITY", "CONFIDENTIALITY", "INTELLECTUAL PROPERTY", "TERM AND TERMINATION",
    "INSURANCE", "FORCE MAJEURE", "GOVERNING LAW AND DISPUTES", "MISCELLANEOUS", "REPRESENTATIONS AND COVENANTS",
]

MONTHS = "January February March April May June July August September October November December".split()
DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty sixty ninety".split()
NUMBER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 60, 90]

ONSETS = "b br c ch cl d dr f g gr h j k l m n p pr qu r s st t tr v w z".split()
VOWELS = "a e i o u ai ea io ou".split()
CODAS = "n r l s x th nd rt m".split()
COMPANY_SUFFIXES = ["Inc.", "Corp.", "Ltd.", "LLC", "Holdings, Inc.", "Group plc", "S.A.", "GmbH", "Co."]
ENTITY_FORMS = [
    "a Delaware corporation", "a Nevada corporation", "a limited liability company",
    "a company organized under the laws of England and Wales", "a corporation organized under the laws of Ontario",
    "a Cayman Islands exempted company",
]
INDUSTRIES = ["Systems", "Components", "Therapeutics", "Energy", "Logistics", "Foods", "Capital", "Instruments", "Networks",
              "Materials"]
QUARTERS = ["first", "second", "third", "fourth"]
CONNECTIVES = ["primarily due to", "driven by", "reflecting", "partially offset by"]
FACILITIES = ["credit agreement", "revolving facility", "term loan", "indenture", "note purchase agreement"]
MODALS = ["may", "will", "could", "must", "expects to"]
OFFICERS = ["Chief Executive Officer", "Chief Financial Officer", "General Counsel", "Treasurer", "Vice President, Operations"]
REVENUE_KINDS = ["net sales", "segment revenue", "total revenue"]
AXES = ["StatementBusinessSegmentsAxis", "ProductOrServiceAxis", "StatementGeographicalAxis", "ConsolidatedEntitiesAxis"]
MEMBER_KINDS = ["Segment", "Member", "Region", "Product"]
SUPPLIER_TITLES = ["President", "Chief Executive Officer", "Managing Director"]
BUYER_TITLES = ["Chief Financial Officer", "General Counsel", "Vice President"]

FONT = "color:#000000;font-family:'Times New Roman',sans-serif;font-size:10pt;line-height:120%"
CELL = "padding:2px 1pt;text-align:left;vertical-align:bottom"
AMOUNT_CELL = "padding:2px 0 2px 1pt;text-align:right;vertical-align:bottom"
CONCEPTS = [
    "Revenues", "CostOfRevenue", "GrossProfit", "OperatingIncomeLoss", "InterestExpense", "IncomeTaxExpenseBenefit",
    "NetIncomeLoss", "ResearchAndDevelopmentExpense", "SellingGeneralAndAdministrativeExpense", "Depreciation",
    "AccountsReceivableNetCurrent", "InventoryNet", "Goodwill", "LongTermDebtNoncurrent", "StockholdersEquity",
    "PaymentsToAcquirePropertyPlantAndEquipment", "ShareBasedCompensation", "CashAndCashEquivalentsAtCarryingValue",
]


def plural(noun):
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Output:
    """Counts, buffers and (optionally) compresses the document as it is written."""

    BLOCK = 1 << 20

    def __init__(self, stream, total, gzip, level):
        self.stream = stream
        self.total = total
        self.written = 0
        self.pending = []
        self.pending_bytes = 0
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, 31) if gzip else None

    @property
    def remaining(self):
        return self.total - self.written

    def write(self, data):
        """Writes bytes; the caller keeps within `remaining`."""
        self.written += len(data)
        assert self.written <= self.total, "generator overran its budget"
        self.pending.append(data)
        self.pending_bytes += len(data)
        if self.pending_bytes >= self.BLOCK:
            self.flush()

    def flush(self):
        data = b"".join(self.pending)
        self.pending, self.pending_bytes = [], 0
        if self.compressor:
            data = self.compressor.compress(data)
        self.stream.write(data)

    def close(self):
        self.flush()
        if self.compressor:
            self.stream.write(self.compressor.flush())
        self.stream.flush()


class Prose:
    """Sentences, names, amounts and dates from the lists above."""

    def __init__(self, rng):
        self.rng = rng
        self.companies = [self.company() for _ in range(400)]
        self.places = [self.name(2, 3) for _ in range(300)]
        self.products = [f"{self.name(1, 2)}-{rng.randint(2, 99)}" for _ in range(300)]
        self.people = [f"{self.name(1, 2)} {self.name(2, 3)}" for _ in range(300)]

    def name(self, low, high):
        rng = self.rng
        syllables = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(low, high)))
        if rng.random() < 0.5:
            syllables += rng.choice(CODAS)
        return syllables.capitalize()

    def company(self):
        words = self.name(2, 3) if self.rng.random() < 0.6 else f"{self.name(1, 2)} {self.rng.choice(INDUSTRIES)}"
        return f"{words} {self.rng.choice(COMPANY_SUFFIXES)}"

    def amount(self):
        rng = self.rng
        value = rng.randint(1, 9999)
        if rng.random() < 0.5:
            return f"${value:,}.{rng.randint(0, 9)} million"
        if rng.random() < 0.5:
            return f"${rng.randint(1, 99)}.{rng.randint(0, 99):02d} billion"
        return f"${value * rng.randint(1, 999):,}"

    def percent(self):
        return f"{self.rng.randint(0, 99)}.{self.rng.randint(0, 9)}%"

    def date(self):
        rng = self.rng
        month = rng.randrange(12)
        return f"{MONTHS[month]} {rng.randint(1, DAYS_IN[month])}, {rng.randint(1998, 2031)}"

    def period(self):
        rng = self.rng
        return rng.choice([
            f"fiscal {rng.randint(2015, 2030)}", f"the {rng.choice(QUARTERS)} quarter of {rng.randint(2015, 2030)}",
            f"the year ended {self.date()}", f"the six months ended {self.date()}", "the prior year", "the comparable period",
        ])

    def days(self):
        index = self.rng.randrange(len(NUMBER_WORDS))
        return f"{NUMBER_WORDS[index]} ({NUMBER_VALUES[index]}) days"

    def noun_phrase(self):
        rng = self.rng
        words = [rng.choice(["the", "any", "such", "each", "all", "its", "our", "a", "the", "the"])]
        for _ in range(rng.choice([0, 1, 1, 2])):
            words.append(rng.choice(ADJECTIVES))
        words.append(rng.choice(NOUNS))
        if rng.random() < 0.35:
            words += ["of", rng.choice(["the", "its", "such"]), rng.choice(NOUNS)]
        if words[0] == "a" and words[1][0] in "aeiou":
            words[0] = "an"
        if rng.random() < 0.3 and words[0] not in ("a", "an", "each"):
            words[-1] = plural(words[-1])
        return " ".join(words)

    def sentence(self):
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:
            text = (f"{rng.choice(METRICS)} {rng.choice(['increased', 'decreased', 'grew', 'declined'])} {self.percent()} to "
                    f"{self.amount()} in {self.period()} from {self.amount()} in {self.period()}, "
                    f"{rng.choice(CONNECTIVES)} {rng.choice(CAUSES)} and {rng.choice(CAUSES)}")
        elif kind == 1:
            text = (f"{rng.choice(SUBJECTS)} shall {rng.choice(VERBS_BASE)} {self.noun_phrase()} within {self.days()} after "
                    f"{rng.choice(['receipt of', 'the date of', 'written notice of', 'the expiration of'])} {self.noun_phrase()}")
            if rng.random() < 0.5:
                text += (f", provided that {rng.choice(SUBJECTS)} {rng.choice(VERBS_PAST)} {self.noun_phrase()} "
                         f"{rng.choice(PREPOSITIONS)} {self.noun_phrase()}")
        elif kind == 2:
            text = (f"As of {self.date()}, {rng.choice(SUBJECTS)} had {self.amount()} of {rng.choice(ADJECTIVES)} "
                    f"{plural(rng.choice(NOUNS))} outstanding under its {rng.choice(ADJECTIVES)} {rng.choice(FACILITIES)} "
                    f"with {rng.choice(self.companies)}")
        elif kind == 3:
            text = (f"{rng.choice(ADVERBS).capitalize()}, {rng.choice(SUBJECTS)} {rng.choice(MODALS)} "
                    f"{rng.choice(VERBS_BASE)} {self.noun_phrase()} {rng.choice(PREPOSITIONS)} {self.noun_phrase()}, "
                    f"{rng.choice(['e.g.', 'i.e.', 'incl.', 'such as'])} {self.noun_phrase()} and {self.noun_phrase()}")
        elif kind == 4:
            text = (f"In {self.period()}, {rng.choice(self.companies)} {rng.choice(VERBS_PAST)} {self.noun_phrase()} "
                    f"of approximately {self.amount()} {rng.choice(PREPOSITIONS)} {self.noun_phrase()} in {rng.choice(self.places)}")
        elif kind == 5:
            text = (f"{rng.choice(self.people)}, our {rng.choice(OFFICERS)}, "
                    f"{rng.choice(VERBS_PAST)} {self.noun_phrase()} with {rng.choice(self.companies)} on {self.date()}")
        elif kind == 6:
            text = (f"Sales of the {rng.choice(self.products)} {rng.choice(['platform', 'system', 'module', 'series', 'product line'])} "
                    f"accounted for {self.percent()} of {rng.choice(REVENUE_KINDS)} in {self.period()}, "
                    f"compared with {self.percent()} in {self.period()}")
        elif kind == 7:
            text = (f"Pursuant to Section {rng.randint(1, 19)}.{rng.randint(1, 12)}({rng.choice('abcdefgh')}), {self.noun_phrase()} "
                    f"{rng.choice(['is', 'shall be', 'will not be', 'may be'])} {rng.choice(VERBS_PAST)} {rng.choice(PREPOSITIONS)} "
                    f"{self.noun_phrase()} {rng.choice(['unless', 'until', 'except to the extent that'])} {rng.choice(SUBJECTS)} "
                    f"{rng.choice(VERBS_PAST)} {self.noun_phrase()}")
        else:
            text = (f"{rng.choice(['Approximately', 'About', 'Over', 'Less than'])} {self.percent()} of {self.noun_phrase()} "
                    f"{rng.choice(['was', 'were', 'is', 'are'])} {rng.choice(VERBS_PAST)} outside the U.S., "
                    f"{rng.choice(['mainly', 'mostly', 'largely'])} in {rng.choice(self.places)} and {rng.choice(self.places)}")
        text = text[0].upper() + text[1:]
        return text if text.endswith(".") else text + "."

    def paragraph(self, low=2, high=7):
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def title(self, words=None):
        rng = self.rng
        words = words or rng.randint(2, 5)
        chosen = [rng.choice(ADJECTIVES if index < words - 1 and rng.random() < 0.5 else NOUNS) for index in range(words)]
        return " ".join(word.capitalize() for word in chosen)

    def filler(self, size):
        """Exactly `size` ASCII bytes of words ending in a newline."""
        if size <= 2:
            return "\n" * size
        words = []
        length = 0
        while length < size:
            word = self.rng.choice(NOUNS)
            words.append(word)
            length += len(word) + 1
        text = " ".join(words)[: size - 2].rstrip()
        return (text + ".").ljust(size - 1) + "\n"


# ---------------------------------------------------------------------------------------------
# html

def html_escape(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#8217;").replace('"', "&#8220;"))


class Filing:
    """The pieces of an inline-XBRL filing."""

    def __init__(self, prose, rng):
        self.prose = prose
        self.rng = rng
        self.fact = 0
        self.contexts = 0
        self.company = prose.companies[0]
        self.ticker = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)).lower()

    def next_id(self):
        self.fact += 1
        return f"f-{self.fact}"

    def head(self, year):
        return (
            "<?xml version='1.0' encoding='utf-8'?>\n"
            "<!--Generated by Folio's Corpora/generate.py: a fictional filing written for this project-->\n"
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
            'xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12" xmlns:xbrli="http://www.xbrl.org/2003/instance" '
            'xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:us-gaap="http://fasb.org/us-gaap/2024" xmlns:dei="http://xbrl.sec.gov/dei/2024" '
            f'xmlns:iso4217="http://www.xbrl.org/2003/iso4217" xmlns:{self.ticker}="http://www.example.com/{year}" xml:lang="en-US">'
            f'<head><meta http-equiv="Content-Type" content="text/html"/>\n<title>{self.ticker}-{year}1231</title></head>'
            '<body><div style="display:none"><ix:header><ix:hidden>'
        )

    def hidden_fact(self):
        rng = self.rng
        concept = rng.choice(CONCEPTS)
        return (f'<ix:nonNumeric contextRef="c-{rng.randint(1, max(1, self.contexts))}" name="{self.ticker}:{concept}Policy" '
                f'id="{self.next_id()}">{html_escape(self.prose.sentence())}</ix:nonNumeric>')

    def header_middle(self, year):
        return (f'</ix:hidden><ix:references><link:schemaRef xlink:type="simple" xlink:href="{self.ticker}-{year}1231.xsd"/>'
                '</ix:references><ix:resources><xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>'
                '<xbrli:unit id="shares"><xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unit>')

    def context(self):
        rng = self.rng
        self.contexts += 1
        year = rng.randint(2015, 2030)
        member = ""
        if rng.random() < 0.7:
            member = (f'<xbrli:segment><xbrldi:explicitMember dimension="us-gaap:{rng.choice(AXES)}">'
                      f'{self.ticker}:{self.prose.name(2, 3)}{rng.choice(MEMBER_KINDS)}Member'
                      '</xbrldi:explicitMember></xbrli:segment>')
        return (f'<xbrli:context id="c-{self.contexts}"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">'
                f'{rng.randint(1, 1999999):010d}</xbrli:identifier>{member}</xbrli:entity><xbrli:period>'
                f'<xbrli:startDate>{year}-01-01</xbrli:startDate><xbrli:endDate>{year}-12-31</xbrli:endDate>'
                '</xbrli:period></xbrli:context>')

    HEADER_END = "</ix:resources></ix:header></div>"

    def span(self, text, weight=400, size=10):
        return f'<span style="{FONT.replace("10pt", f"{size}pt")};font-weight:{weight}">{text}</span>'

    def heading(self, text, size=10):
        return f'<div style="margin-top:12pt;text-align:left">{self.span(html_escape(text), 700, size)}</div>'

    def paragraph(self):
        rng = self.rng
        sentences = [html_escape(self.prose.sentence()) for _ in range(rng.randint(2, 7))]
        if rng.random() < 0.3:
            index = rng.randrange(len(sentences))
            sentences[index] = (f'<ix:nonNumeric contextRef="c-{rng.randint(1, max(1, self.contexts))}" '
                                f'name="{self.ticker}:{rng.choice(CONCEPTS)}TextBlock" id="{self.next_id()}">'
                                f'{sentences[index]}</ix:nonNumeric>')
        runs = []
        if rng.random() < 0.25:  # a bold lead-in, as in "Customer concentration. Our ten largest…"
            runs.append(self.span(html_escape(self.prose.title()) + ".&#160;", 700))
        if rng.random() < 0.3:  # the text split in two runs
            cut = rng.randint(1, len(sentences))
            runs.append(self.span(" ".join(sentences[:cut])))
            if cut < len(sentences):
                runs.append(self.span(" " + " ".join(sentences[cut:])))
        else:
            runs.append(self.span(" ".join(sentences)))
        return f'<div style="margin-top:6pt;text-align:justify;text-indent:24.75pt">{"".join(runs)}</div>'

    def amount_cells(self, value, tagged, dollar):
        rng = self.rng
        negative = value < 0
        text = f"{abs(value):,}"
        if tagged:
            sign = ' sign="-"' if negative else ""
            text = (f'<ix:nonFraction unitRef="usd" contextRef="c-{rng.randint(1, max(1, self.contexts))}" decimals="-6" '
                    f'name="us-gaap:{rng.choice(CONCEPTS)}" format="ixt:num-dot-decimal" scale="6" '
                    f'id="{self.next_id()}"{sign}>{text}</ix:nonFraction>')
        cells = []
        cells.append(f'<td style="{CELL}">{self.span("$") if dollar else ""}</td>')
        cells.append(f'<td style="{AMOUNT_CELL}">{self.span(("(" if negative else "") + text)}</td>')
        cells.append(f'<td style="padding:2px 1pt 2px 0;text-align:right;vertical-align:bottom">{self.span(")") if negative else ""}</td>')
        cells.append('<td colspan="3" style="padding:0 1pt"/>')
        return "".join(cells)

    def table(self):
        rng = self.rng
        columns = rng.choice([2, 3, 3, 4])
        first_year = rng.randint(2016, 2030)
        parts = ['<div style="margin-top:9pt;text-align:center"><table style="border-collapse:collapse;display:inline-table;'
                 'margin-bottom:5pt;vertical-align:text-bottom;width:100.000%"><tr>']
        parts.append('<td style="width:1.0%"/>' * (3 + 4 * columns))
        parts.append("</tr><tr>")
        parts.append(f'<td colspan="3" style="{CELL}">{self.span("(In millions)", 700, 8)}</td>')
        for column in range(columns):
            parts.append('<td colspan="3" style="padding:2px 1pt;text-align:center;vertical-align:bottom">'
                         f'{self.span(str(first_year - column), 700, 8)}</td>')
            parts.append('<td colspan="1" style="padding:0 1pt"/>')
        parts.append("</tr>")
        rows = rng.randint(4, 14)
        for row in range(rows):
            total = row == rows - 1
            label = "Total " + plural(rng.choice(NOUNS)) if total else html_escape(
                rng.choice([rng.choice(METRICS), self.prose.title(), f"{rng.choice(ADJECTIVES).capitalize()} {plural(rng.choice(NOUNS))}"]))
            parts.append(f'<tr><td colspan="3" style="{CELL}">{self.span(label, 700 if total else 400)}</td>')
            for column in range(columns):
                value = rng.randint(-999, 99999) if rng.random() < 0.8 else rng.randint(-99, 999)
                parts.append(self.amount_cells(value, rng.random() < 0.5, row == 0 or total))
            parts.append("</tr>")
        parts.append("</table></div>")
        return "".join(parts)

    def page_break(self, page):
        return (f'<div style="text-align:center">{self.span(html_escape(self.company) + " | " + str(page), 400, 8)}</div>'
                '<hr style="page-break-after:always"/>\n')

    END = "</body></html>\n"


def generate_html(output, rng):
    prose = Prose(rng)
    filing = Filing(prose, rng)
    year = rng.randint(2020, 2030)
    output.write(filing.head(year).encode())
    header_budget = min(output.total * 8 // 100, 32_000_000)
    reserve = len(filing.HEADER_END) + len(filing.END) + 64
    start = output.written
    # Hidden facts, then units and contexts: about half of the header each.
    while output.written - start < header_budget // 2 and output.remaining > reserve + 4096:
        output.write(filing.hidden_fact().encode())
    output.write(filing.header_middle(year).encode())
    while output.written - start < header_budget and output.remaining > reserve + 4096:
        output.write(filing.context().encode())
    output.write(filing.HEADER_END.encode())

    title = (f'<div style="text-align:center">{filing.span("UNITED STATES<br/>SECURITIES AND EXCHANGE COMMISSION", 700, 12)}</div>'
             f'<div style="text-align:center">{filing.span("FORM 10-K", 700, 14)}</div>'
             f'<div style="text-align:center">{filing.span(html_escape(prose.companies[0]), 700, 12)}</div>')
    if len(title) < output.remaining - len(filing.END):
        output.write(title.encode())

    reserve = len(filing.END)
    item = 0
    page = 1
    page_bytes = 0
    while True:
        part, heading = ITEMS[item % len(ITEMS)]
        pieces = []
        if item % len(ITEMS) == 0 or ITEMS[item % len(ITEMS) - 1][0] != part:
            pieces.append(filing.heading(part, 11))
        pieces.append(filing.heading(heading))
        for _ in range(rng.randint(3, 12)):
            kind = rng.random()
            if kind < 0.12:
                pieces.append(filing.heading(prose.title()))
            elif kind < 0.27:
                pieces.append(filing.table())
            else:
                pieces.append(filing.paragraph())
            page_bytes += len(pieces[-1])
            if page_bytes > 30_000:
                page += 1
                page_bytes = 0
                pieces.append(filing.page_break(page))
        item += 1
        for piece in pieces:
            data = piece.encode()
            if len(data) > output.remaining - reserve:
                closing = (f'<div>{filing.span("")}</div>').encode()
                room = output.remaining - reserve - len(closing)
                if room > 0:
                    # One last paragraph of exactly the bytes left.
                    output.write(closing[: closing.index(b"</span>")] + prose.filler(room).encode() + closing[closing.index(b"</span>"):])
                output.write(b"\n" * (output.remaining - reserve))
                output.write(filing.END.encode())
                return
            output.write(data)


# ---------------------------------------------------------------------------------------------
# text

def text_table(prose, rng):
    first_year = rng.randint(2016, 2030)
    lines = [" " * 36 + "".join(f"Fiscal {first_year - column}".rjust(14) for column in range(3)) + "Change".rjust(10)]
    for _ in range(rng.randint(3, 9)):
        values = [rng.randint(100, 99999) / 10 for _ in range(3)]
        change = (values[0] - values[1]) / values[1] * 100
        lines.append(rng.choice(METRICS)[:35].ljust(36) + "".join(f"$ {value:,.1f}".rjust(14) for value in values)
                     + f"{change:.1f} %".rjust(10))
    return "\n".join(lines)


def report(prose, rng):
    company = rng.choice(prose.companies)
    yield f"{company.upper()}\nANNUAL REPORT ON FORM 10-K\nFor the fiscal year ended {prose.date()}"
    part = None
    for item_part, item in ITEMS[: rng.randint(4, len(ITEMS))]:
        if item_part != part:
            part = item_part
            yield part
        yield item
        for _ in range(rng.randint(2, 9)):
            kind = rng.random()
            if kind < 0.15:
                yield prose.title()
            elif kind < 0.22:
                yield text_table(prose, rng)
            elif kind < 0.4:
                yield f"{prose.title()}. {prose.paragraph(1, 5)}"
            else:
                yield prose.paragraph()


def contract(prose, rng):
    buyer, supplier = rng.sample(prose.companies, 2)
    name = rng.choice(["MASTER SUPPLY AGREEMENT", "LICENSE AGREEMENT", "DISTRIBUTION AGREEMENT", "SERVICES AGREEMENT",
                       "CO-BRANDING AGREEMENT", "STRATEGIC ALLIANCE AGREEMENT", "CREDIT AGREEMENT", "JOINT VENTURE AGREEMENT"])
    yield name
    yield (f"This {name.title()} (this \u201cAgreement\u201d) is entered into as of {prose.date()} "
           f"(the \u201cEffective Date\u201d) by and between "
           f"{supplier}, {rng.choice(ENTITY_FORMS)} (\u201cSupplier\u201d), and {buyer}, {rng.choice(ENTITY_FORMS)} (\u201cBuyer\u201d).")
    yield "NOW, THEREFORE, in consideration of the mutual covenants set forth herein, the Parties agree as follows:"
    articles = rng.sample(ARTICLES, rng.randint(4, 10))
    for number, article in enumerate(articles, 1):
        yield f"ARTICLE {number}. {article}"
        for section in range(1, rng.randint(2, 8)):
            text = f"{number}.{section} {prose.title(rng.randint(1, 3))}. {prose.paragraph(1, 4)}"
            if rng.random() < 0.3:
                clauses = [f"({letter}) {prose.sentence()[:-1]};" for letter in "abcdef"[: rng.randint(2, 6)]]
                text += " " + " ".join(clauses)[:-1] + "."
            if rng.random() < 0.1:
                text += f" See \u00a7 {rng.randint(1, 20)}.{rng.randint(1, 9)} \u2014 and Exhibit {rng.choice('ABCDEF')}."
            yield text
    yield (f"IN WITNESS WHEREOF, the Parties have executed this Agreement as of the Effective Date.\n\n"
           f"{supplier.upper()}\nBy: {rng.choice(prose.people)}\nTitle: {rng.choice(SUPPLIER_TITLES)}\n\n"
           f"{buyer.upper()}\nBy: {rng.choice(prose.people)}\nTitle: {rng.choice(BUYER_TITLES)}")


def generate_text(output, rng):
    prose = Prose(rng)
    first = True
    while True:
        document = report if rng.random() < 0.5 else contract
        for block in document(prose, rng):
            data = (("" if first else "\n\n") + block).encode()
            first = False
            if len(data) + 1 > output.remaining:
                room = output.remaining
                if room >= 4:
                    output.write(b"\n\n" + prose.filler(room - 2).encode())
                else:
                    output.write(b"\n" * room)
                return
            output.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["html", "text"], required=True)
    parser.add_argument("--bytes", type=int, required=True, help="exact size of the document before compression")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="write the document gzip-compressed")
    parser.add_argument("--level", type=int, default=6, help="zlib level with --gzip (default 6)")
    args = parser.parse_args()
    if args.bytes < 4096:
        parser.error("--bytes must be at least 4096")
    if sys.stdout.isatty() and args.gzip:
        parser.error("refusing to write gzip data to a terminal")
    rng = random.Random(args.seed)
    output = Output(sys.stdout.buffer, args.bytes, args.gzip, args.level)
    (generate_html if args.kind == "html" else generate_text)(output, rng)
    assert output.written == args.bytes, (output.written, args.bytes)
    output.close()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
