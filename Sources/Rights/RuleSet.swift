/// The parameters in force on one day, resolved once per evaluation, and the
/// arithmetic of the ceilings, the housing flat-rate and the participation.
///
/// All arithmetic is exact: figures are fixed-point (four decimals), products are
/// taken in 128-bit integers, and each result is rounded once, half up, to the euro
/// (ceilings) or to the cent (flat-rate).
struct RuleSet {
    let freeCeilingOnePerson: Fixed4
    let secondPerson: Fixed4
    let thirdAndFourthPerson: Fixed4
    let fifthPersonAndMore: Fixed4
    let overseasRaise: Fixed4
    let participationFactor: Fixed4
    let participationGeneral: [AgeBand]
    let participationAlsaceMoselle: [AgeBand]
    let flatRateOne: Fixed4
    let flatRateTwo: Fixed4
    let flatRateTwoAllowance: Fixed4
    let flatRateThree: Fixed4
    let flatRateThreeAllowance: Fixed4
    let rsaBase: Fixed4
    let rsaTwo: Fixed4
    let rsaThree: Fixed4
    let pumaResidenceMonths: Int
    let ameResidenceMonths: Int
    let ameAdultAge: Int
    let medecinTraitantMandatoryAge: Int
    /// Figures used that the rule files mark unconfirmed.
    let unconfirmed: [(key: ParameterKey, from: LocalDate)]

    /// Resolves every parameter on `date`. `Parameters` guarantees a value on every day since 2019-11-01,
    /// and the engine validated the date before.
    init(_ parameters: Parameters, on date: LocalDate) {
        var unconfirmed: [(key: ParameterKey, from: LocalDate)] = []
        func number(_ key: ParameterKey) -> Fixed4 {
            let dated = parameters.value(key, on: date)!
            if dated.unconfirmed { unconfirmed.append((key, dated.from)) }
            return dated.value
        }
        func bands(_ key: ParameterKey) -> [AgeBand] {
            let dated = parameters.bands(key, on: date)!
            if dated.unconfirmed { unconfirmed.append((key, dated.from)) }
            return dated.value
        }
        freeCeilingOnePerson = number(.c2sFreeCeiling)
        secondPerson = number(.c2sSecondPerson)
        thirdAndFourthPerson = number(.c2sThirdAndFourthPerson)
        fifthPersonAndMore = number(.c2sFifthPersonAndMore)
        overseasRaise = number(.c2sOverseasRaise)
        participationFactor = number(.c2sParticipationCeilingFactor)
        participationGeneral = bands(.c2sParticipationGeneral)
        participationAlsaceMoselle = bands(.c2sParticipationAlsaceMoselle)
        flatRateOne = number(.flatRateOnePerson)
        flatRateTwo = number(.flatRateTwoPersons)
        flatRateTwoAllowance = number(.flatRateTwoPersonsWithAllowance)
        flatRateThree = number(.flatRateThreeOrMore)
        flatRateThreeAllowance = number(.flatRateThreeOrMoreWithAllowance)
        rsaBase = number(.rsaBaseAmount)
        rsaTwo = number(.rsaTwoPersons)
        rsaThree = number(.rsaThreePersons)
        pumaResidenceMonths = number(.pumaResidenceMonths).integerValue!
        ameResidenceMonths = number(.ameResidenceMonths).integerValue!
        ameAdultAge = number(.ameAdultAge).integerValue!
        medecinTraitantMandatoryAge = number(.medecinTraitantMandatoryAge).integerValue!
        self.unconfirmed = unconfirmed
    }

    static let one = Int128(Fixed4.scale)

    /// 1 + 0.5 for the 2nd person + 0.3 for each of the 3rd and 4th + 0.4 from the 5th (× 10 000).
    func householdCoefficient(_ size: Int) -> Int128 {
        var coefficient = RuleSet.one
        if size >= 2 { coefficient += Int128(secondPerson.raw) }
        if size >= 3 { coefficient += Int128(min(size, 4) - 2) * Int128(thirdAndFourthPerson.raw) }
        if size >= 5 { coefficient += Int128(size - 4) * Int128(fifthPersonAndMore.raw) }
        return coefficient
    }

    func territoryFactor(_ territory: Territory) -> Int128 {
        territory.isRaisedOverseas ? RuleSet.one + Int128(overseasRaise.raw) : RuleSet.one
    }

    /// Free C2S (and AME) ceiling in euros per year.
    func freeCeiling(_ size: Int, _ territory: Territory) -> Int {
        let product = Int128(freeCeilingOnePerson.raw) * householdCoefficient(size) * territoryFactor(territory)
        return Int(divideRoundingHalfUp(product, RuleSet.one * RuleSet.one * RuleSet.one))
    }

    /// C2S with participation ceiling in euros per year: the free ceiling, unrounded, times the factor.
    func participationCeiling(_ size: Int, _ territory: Territory) -> Int {
        let product = Int128(freeCeilingOnePerson.raw) * householdCoefficient(size) * territoryFactor(territory) * Int128(participationFactor.raw)
        return Int(divideRoundingHalfUp(product, RuleSet.one * RuleSet.one * RuleSet.one * RuleSet.one))
    }

    /// Housing flat-rate per year in cents: 12 × rate × RSA amount for the household size.
    func flatRate(_ size: Int, _ housing: Housing, _ allowance: Bool) -> Cents {
        guard allowance || housing == .owner || housing == .housedFree else { return 0 }
        let rate: Fixed4
        let multiplier: Int128
        switch size {
        case ...1:
            rate = flatRateOne
            multiplier = RuleSet.one
        case 2:
            rate = allowance ? flatRateTwoAllowance : flatRateTwo
            multiplier = Int128(rsaTwo.raw)
        default:
            rate = allowance ? flatRateThreeAllowance : flatRateThree
            multiplier = Int128(rsaThree.raw)
        }
        // euros × 10^12 → cents: divide by 10^10.
        let product = 12 * Int128(rsaBase.raw) * Int128(rate.raw) * multiplier * 100
        return Cents(divideRoundingHalfUp(product, RuleSet.one * RuleSet.one * RuleSet.one))
    }

    /// Monthly participation for a member: by age, or by the age bound when every age below it pays the same.
    static func amount(for member: Member, in bands: [AgeBand]) -> Cents? {
        if let age = member.age { return amount(for: age, in: bands) }
        guard let bound = member.youngerThan else { return nil }
        let amounts = Set(bands.filter { $0.fromAge < bound }.map(\.amount))
        return amounts.count == 1 ? amounts.first : nil
    }

    /// Monthly participation for one person of this age.
    static func amount(for age: Int, in bands: [AgeBand]) -> Cents {
        var amount = bands[0].amount
        for band in bands where band.fromAge <= age { amount = band.amount }
        return amount
    }
}
