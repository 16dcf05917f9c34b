/// English word lists for reports and contracts, written for this project.
///
/// No entry contains `<`, `>` or `&`, so HTML needs no escaping.
enum EnglishWords {
    /// A noun with its plural.
    struct Noun {
        let singular: [UInt8]
        let plural: [UInt8]
    }

    static let nouns: [Noun] = Lexicon.words(
        """
        account accrual acquisition adjustment advance affiliate agreement allocation allowance amendment
        amortization analysis appraisal approval arrangement asset assessment assignment assumption audit
        authority award backlog balance bank barrier baseline benchmark benefit bond bonus borrower boundary
        branch brand breach budget building buyer calculation campaign capacity carrier catalog category
        certificate channel charge charter claim clause client closing collateral commission commitment
        committee commodity competitor component condition consent constraint consultant consumer
        contingency contract contribution conversion copyright cost counterparty covenant coverage credit
        creditor currency customer cycle deadline debt decision decline deduction default deficiency delay
        delivery deposit derivative design device director disclosure discount dispute distributor dividend
        division document duty easement element employee endorsement engineer enterprise entity equipment
        estimate exception exemption exhibit expansion expense exposure facility factor failure fee filing
        fixture footprint forecast franchise function fund grant guarantee hedge holder impairment
        improvement incentive increase indemnity index initiative injury installment instrument interest
        interruption inventory investment investor invoice issuer judgment jurisdiction landlord lease lender
        liability license licensee lien limitation line loan location loss manager manufacturer margin market
        measure member merger method milestone model module mortgage network notice objective obligation
        offering officer operation option order outlook owner package parent participant partner party
        patent payment penalty pension percentage period permit plan platform pledge policy portfolio
        position premium price principal priority procedure process product profit program project property
        proposal provision purchase quarter quota rate ratio rebate receivable record recovery reduction
        refund region regulation regulator relationship release remedy renewal report representation
        requirement reserve resolution resource restriction result retailer return review right risk royalty
        safeguard salary schedule scope security segment seller service settlement share shareholder
        shipment shortfall specification sponsor stake standard statement strategy structure subsidiary
        supplier surplus system target tariff tax technology tenant term territory test threshold title
        trademark transaction transfer transition trend trustee uncertainty underwriter unit update utility
        valuation value variance vendor venture volume waiver warehouse warrant warranty withdrawal yield
        auditor ledger cargo vessel turbine pipeline terminal refinery mine reactor laboratory clinic
        pharmacy satellite server datacenter warehouseman courier railcar tanker truck aircraft engine
        sensor controller processor battery cathode membrane polymer resin alloy coating fastener valve pump
        compressor gearbox bearing harness toolkit subscription seat workload application
        """
    ).map { word in
        let text = String(decoding: word, as: UTF8.self)
        let plural: String
        if text.hasSuffix("s") || text.hasSuffix("x") || text.hasSuffix("ch") || text.hasSuffix("sh") {
            plural = text + "es"
        } else if text.hasSuffix("y"), let before = text.dropLast().last, !"aeiou".contains(before) {
            plural = text.dropLast() + "ies"
        } else {
            plural = text + "s"
        }
        return Noun(singular: word, plural: Array(plural.utf8))
    }

    static let adjectives = Lexicon.words(
        """
        accrued active additional adverse aggregate annual applicable approved available average binding
        central certain comparable competitive consolidated contingent continuing contractual corporate
        cumulative current customary deferred definitive diluted direct discretionary domestic effective
        eligible estimated exclusive existing expected external favorable federal final financial fixed
        foreign forward future general global gross historical incremental independent indirect initial
        interim internal joint key limited liquid local long-term material maximum minimum monthly mutual net
        nonexclusive normal operating ordinary organic original outstanding overall partial pending periodic
        permitted perpetual physical preferred preliminary primary prior private proposed proprietary
        prospective public qualified quarterly reasonable recurring regional regulatory related relevant
        remaining renewable reportable required residual restricted retail revised scheduled secured senior
        separate short-term significant specific statutory strategic subordinated subsequent substantial
        sufficient supplemental taxable technical temporary total trailing transitional unaudited uncommitted
        underlying unearned unfavorable uniform unrealized unsecured variable weighted wholesale worldwide
        written seasonal volatile resilient modest sizable durable critical nonrecurring cyclical discrete
        """)

    static let pastVerbs = Lexicon.words(
        """
        accelerated acquired adjusted allocated amended announced approved assumed audited authorized borrowed
        capitalized completed consolidated contributed converted declined deferred delivered designated
        disclosed discontinued divested earned elected entered established estimated exceeded executed
        expanded extended financed funded granted identified impaired implemented improved incurred increased
        issued launched maintained negotiated obtained offset paid purchased reclassified recognized recorded
        redeemed reduced refinanced released renewed repaid repurchased reported reserved restated
        restructured retained reviewed settled shipped signed terminated transferred updated utilized waived
        evaluated consummated syndicated hedged accrued amortized remeasured upgraded commissioned relocated
        """)

    static let baseVerbs = Lexicon.words(
        """
        accept acquire adjust allocate amend approve assign assume audit authorize bear borrow calculate
        comply conduct cooperate cover cure defend deliver deposit determine disclose distribute enforce
        ensure establish evaluate exercise extend file fund furnish grant hold implement indemnify inform
        inspect issue maintain manufacture monitor negotiate notify obtain operate pay perform pledge prepare
        procure promote protect provide purchase record reimburse release remit renew repair replace report
        repurchase require reserve retain review secure sell settle ship submit supply support terminate
        transfer update verify waive withhold certify document escalate segregate safeguard insure
        """)

    static let adverbs = Lexicon.words(
        """
        accordingly additionally generally historically however materially notably primarily principally
        promptly reasonably regularly separately similarly subsequently substantially thereafter typically
        consequently moreover nevertheless meanwhile currently ultimately
        """)

    static let prepositions = Lexicon.words("for under in within across against during through over from after before")

    static let determiners = Lexicon.words("the the the any such each all its our a the certain")
    static let ofDeterminers = Lexicon.words("the its such the their")

    static let subjects = Lexicon.lines(
        """
        the Company
        we
        our management
        the Board of Directors
        the Audit Committee
        our subsidiaries
        the joint venture
        our independent registered public accounting firm
        the Compensation Committee
        our customers
        our lenders
        certain of our competitors
        the Nominating and Governance Committee
        our European operations
        the Trustee
        our former parent
        the Administrative Agent
        management
        """)

    static let metrics = Lexicon.lines(
        """
        Net sales
        Net revenues
        Operating income
        Gross margin
        Selling, general and administrative expenses
        Research and development expense
        Net income
        Free cash flow
        Diluted earnings per share
        Cost of sales
        Interest expense
        Income tax expense
        Capital expenditures
        Operating cash flow
        Service revenue
        Product revenue
        Adjusted EBITDA
        Backlog
        Deferred revenue
        Total debt
        Subscription revenue
        Licensing income
        Restructuring charges
        Depreciation and amortization
        Working capital
        Inventory reserves
        Warranty expense
        Share-based compensation
        """)

    static let causes = Lexicon.lines(
        """
        higher unit volume
        favorable pricing
        the timing of shipments
        foreign currency fluctuations
        lower raw material costs
        increased headcount
        the acquisition completed in the second quarter
        restructuring charges
        higher interest rates
        a shift in product mix
        the expiration of a license
        one-time litigation costs
        stronger demand in Asia Pacific
        supply constraints
        lower freight costs
        the sale of a non-core business
        higher depreciation
        inflationary pressures
        new customer wins
        weaker demand from distributors
        the loss of a significant customer
        a longer selling cycle
        warmer than normal weather
        the renegotiation of supplier contracts
        lower utilization of our plants
        a favorable court ruling
        """)

    static let connectives = Lexicon.lines(
        """
        primarily due to
        driven by
        reflecting
        mainly as a result of
        largely attributable to
        """)

    static let facilities = Lexicon.lines(
        """
        credit agreement
        revolving credit facility
        term loan
        indenture
        note purchase agreement
        receivables facility
        commercial paper program
        """)

    static let officers = Lexicon.lines(
        """
        Chief Executive Officer
        Chief Financial Officer
        General Counsel
        Treasurer
        Chief Operating Officer
        Chief Accounting Officer
        Vice President, Operations
        Corporate Secretary
        Chief Technology Officer
        """)

    static let modals = Lexicon.lines(
        """
        may
        will
        could
        must
        expects to
        intends to
        might not
        """)

    static let revenueKinds = Lexicon.lines(
        """
        net sales
        segment revenue
        total revenue
        consolidated revenues
        recurring revenue
        """)

    static let periodWords = Lexicon.lines(
        """
        the prior year
        the comparable period
        the preceding quarter
        the same period last year
        """)

    static let quarters = Lexicon.words("first second third fourth")

    static let months = Lexicon.words(
        "January February March April May June July August September October November December")

    static let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    static let numberWords = Lexicon.lines(
        "five\nten\nfifteen\ntwenty\nthirty\nforty-five\nsixty\nninety\none hundred twenty")
    static let numberValues = [5, 10, 15, 20, 30, 45, 60, 90, 120]

    static let exchanges = Lexicon.lines(
        """
        New York Stock Exchange
        Nasdaq Global Select Market
        NYSE American
        Nasdaq Capital Market
        """)

    static let entityForms = Lexicon.lines(
        """
        a Delaware corporation
        a Nevada corporation
        a Delaware limited liability company
        a company organized under the laws of England and Wales
        a corporation organized under the laws of Ontario
        a Cayman Islands exempted company
        a New York limited partnership
        a Texas corporation
        """)

    static let states = Lexicon.lines(
        """
        Delaware
        New York
        California
        Texas
        Illinois
        Massachusetts
        Washington
        """)

    static let industries = Lexicon.words(
        """
        Systems Components Therapeutics Energy Logistics Foods Capital \
        Instruments Networks Materials Robotics Analytics Semiconductor Minerals
        """
    )

    static let companySuffixes = Lexicon.lines(
        """
        Inc.
        Corp.
        Co.
        Ltd.
        LLC
        L.P.
        Holdings, Inc.
        Group plc
        S.A.
        GmbH
        N.V.
        Co., Ltd.
        Corporation
        """)

    static let honorifics = Lexicon.words("Mr. Ms. Dr. Mr. Ms.")

    /// Syllables for made-up names of companies, people, places and products.
    static let onsets = Lexicon.words("b br c ch cl d dr f fl g gr h j k l m n p pr qu r s sh st t tr v w z")
    static let vowels = Lexicon.words("a e i o u a e o ai ea io ou y")
    static let codas = Lexicon.words("n r l s x th nd rt m ck ll ng")

    static let items: [(part: [UInt8], heading: [UInt8], flavor: ReportComposer.Flavor)] =
        ([
            ("PART I", "Item 1. Business", .narrative),
            ("PART I", "Item 1A. Risk Factors", .risk),
            ("PART I", "Item 1B. Unresolved Staff Comments", .narrative),
            ("PART I", "Item 1C. Cybersecurity", .risk),
            ("PART I", "Item 2. Properties", .narrative),
            ("PART I", "Item 3. Legal Proceedings", .legal),
            ("PART I", "Item 4. Mine Safety Disclosures", .narrative),
            (
                "PART II",
                """
                Item 5. Market for Registrant's Common Equity, Related \
                Stockholder Matters and Issuer Purchases of Equity Securities
                """,
                .financial
            ),
            (
                "PART II",
                "Item 7. Management's Discussion and Analysis of Financial Condition and Results of Operations",
                .financial
            ),
            ("PART II", "Item 7A. Quantitative and Qualitative Disclosures About Market Risk", .financial),
            ("PART II", "Item 8. Financial Statements and Supplementary Data", .financial),
            (
                "PART II",
                "Item 9. Changes in and Disagreements With Accountants on Accounting and Financial Disclosure", .legal
            ),
            ("PART II", "Item 9A. Controls and Procedures", .legal),
            ("PART III", "Item 10. Directors, Executive Officers and Corporate Governance", .narrative),
            ("PART III", "Item 11. Executive Compensation", .financial),
            ("PART III", "Item 13. Certain Relationships and Related Transactions, and Director Independence", .legal),
            ("PART IV", "Item 15. Exhibits and Financial Statement Schedules", .legal),
        ] as [(String, String, ReportComposer.Flavor)]).map { (Array($0.0.utf8), Array($0.1.utf8), $0.2) }

    static let agreementNames = Lexicon.lines(
        """
        MASTER SUPPLY AGREEMENT
        LICENSE AGREEMENT
        DISTRIBUTION AGREEMENT
        MASTER SERVICES AGREEMENT
        CREDIT AGREEMENT
        JOINT VENTURE AGREEMENT
        ASSET PURCHASE AGREEMENT
        LEASE AGREEMENT
        MANUFACTURING AGREEMENT
        EMPLOYMENT AGREEMENT
        """)

    static let articles = Lexicon.lines(
        """
        SUPPLY AND PURCHASE
        PRICE AND PAYMENT
        DELIVERY AND ACCEPTANCE
        REPRESENTATIONS AND WARRANTIES
        COVENANTS
        INDEMNIFICATION
        LIMITATION OF LIABILITY
        CONFIDENTIALITY
        INTELLECTUAL PROPERTY
        TERM AND TERMINATION
        INSURANCE
        FORCE MAJEURE
        GOVERNING LAW AND DISPUTE RESOLUTION
        ASSIGNMENT
        COMPLIANCE WITH LAWS
        AUDIT AND RECORDS
        NOTICES
        MISCELLANEOUS
        """)

    /// Party roles in pairs (first, second).
    static let partyRoles: [([UInt8], [UInt8])] =
        ([
            ("Supplier", "Buyer"), ("Licensor", "Licensee"), ("Company", "Distributor"), ("Provider", "Customer"),
            ("Borrower", "Lender"), ("Seller", "Purchaser"), ("Landlord", "Tenant"), ("Manufacturer", "Client"),
        ] as [(String, String)]).map { (Array($0.0.utf8), Array($0.1.utf8)) }

    static let definedTerms = Lexicon.lines(
        """
        Affiliate
        Applicable Law
        Business Day
        Change of Control
        Claim
        Confidential Information
        Deliverables
        Effective Date
        Governmental Authority
        Intellectual Property Rights
        Losses
        Person
        Products
        Purchase Order
        Specifications
        Territory
        Term
        Third Party
        Net Sales
        Minimum Purchase Commitment
        Force Majeure Event
        Representatives
        Permitted Lien
        Material Adverse Effect
        Quarterly Forecast
        """)

    static let events = Lexicon.lines(
        """
        receipt of
        the date of
        written notice of
        the expiration of
        the delivery of
        the completion of
        the termination of
        """)

    static let conditions = Lexicon.lines(
        """
        unless
        until
        except to the extent that
        only if
        so long as
        """)
}
