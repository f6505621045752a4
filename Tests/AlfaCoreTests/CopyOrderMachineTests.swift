import AlfaCore
import Testing

/// Every branch of a LIVE copy order's lifecycle, by table: no relayer, no database, no clock.
@Suite("Copy order state machine")
struct CopyOrderMachineTests {
    typealias M = CopyOrderMachine
    static let signed = M.Signed(nonce: "0xabc", digest: Hash32(bytes: [UInt8](repeating: 7, count: 32))!, deadline: 1_800_000_030_000)
    static let fill = RelayerEvent.Fill(orderID: "42", isOpen: true, price: 5, collateral: 100, percentProfit: 0, payout: 0,
                                        tradeIndex: 1, openTimestamp: 1_800_000_001, transactionHash: "0x01")

    /// Runs events in order; returns the final state and every action.
    static func run(_ machine: M, _ events: [M.Event]) -> (M.State, [M.Action]) {
        var machine = machine
        var actions: [M.Action] = []
        for event in events { actions += machine.handle(event) }
        return (machine.state, actions)
    }

    static func open(_ state: M.State, gate: Bool = true) -> M { M(state: state, gateOpen: gate, isClose: false, nonce: "0xabc",
                                                                   deadline: signed.deadline) }
    static func close(_ state: M.State, gate: Bool = true) -> M { M(state: state, gateOpen: gate, isClose: true, nonce: "0xabc",
                                                                    deadline: signed.deadline) }

    @Test func theHappyPath() {
        var machine = Self.open(.intent(nonce: "0xabc"))
        #expect(machine.start() == [.sign(nonce: "0xabc")])
        #expect(machine.handle(.signed(Self.signed)) == [.persist(.signed(Self.signed)), .submit(Self.signed)])
        #expect(machine.handle(.relayer(.accepted(trackingID: "trk"), seq: 0)) == [.persist(.accepted(trackingID: "trk", lastSeq: 0))])
        #expect(machine.handle(.relayer(.attemptFailed(attempt: 1, code: "NO_PRICE", willRetry: true), seq: 1))
                == [.persist(.accepted(trackingID: "trk", lastSeq: 1))])
        #expect(machine.handle(.relayer(.initiated(orderID: "42", transactionHash: "0x01"), seq: 2))
                == [.persist(.initiated(trackingID: "trk", lastSeq: 2, orderID: "42"))])
        #expect(machine.handle(.relayer(.executed(Self.fill), seq: 3)) == [.persist(.executed(Self.fill))])
        #expect(machine.state.isFinal)
        // Nothing moves a final state, not even a late duplicate.
        #expect(machine.handle(.relayer(.declined(orderID: "42", transactionHash: nil), seq: 4)).isEmpty)
        #expect(machine.handle(.ourFill(Self.fill)).isEmpty)
    }

    @Test(arguments: [
        // (events after acceptance, final state name, an alert?)
        ([M.Event.relayer(.declined(orderID: "42", transactionHash: nil), seq: 3)], "declined", true),
        ([.relayer(.error(code: "ATTEMPTS_EXHAUSTED", message: "gave up"), seq: 3)], "failed", true),
        ([.relayer(.other(type: "Heartbeat"), seq: 2)], "accepted", false),
        ([.relayer(.executed(fill), seq: 3)], "filled", false),
        ([.ourFill(fill)], "filled", false),
    ] as [([M.Event], String, Bool)])
    func outcomesOfAnAcceptedOrder(events: [M.Event], final: String, alerts: Bool) {
        let (state, actions) = Self.run(Self.open(.accepted(trackingID: "trk", lastSeq: 0)), events)
        #expect(state.name == final)
        #expect(actions.contains { if case .alert = $0 { true } else { false } } == alerts)
    }

    @Test func aStreamTimeoutOrACutStreamIsReplayedNotAnOutcome() {
        let accepted = Self.open(.accepted(trackingID: "trk", lastSeq: 2))
        #expect(Self.run(accepted, [.relayer(.error(code: "STREAM_TIMEOUT", message: ""), seq: nil)])
                == (.accepted(trackingID: "trk", lastSeq: 2), [.replay(trackingID: "trk", afterSeq: 2)]))
        #expect(Self.run(accepted, [.streamEnded]).1 == [.replay(trackingID: "trk", afterSeq: 2)])
        // A replay that overlaps what the stream gave is not applied twice.
        let initiated = Self.open(.initiated(trackingID: "trk", lastSeq: 2, orderID: "42"))
        #expect(Self.run(initiated, [.relayer(.initiated(orderID: "42", transactionHash: nil), seq: 2)]).1.isEmpty)
    }

    @Test func aRestartInEveryStateDoesTheOneSafeThing() {
        #expect(Self.run(Self.open(.intent(nonce: "0xabc")), [.restart]).1 == [.sign(nonce: "0xabc")])
        // A crash after the POST, before the tracking id: the same signed intent again, never a new one.
        #expect(Self.run(Self.open(.signed(Self.signed)), [.restart]).1 == [.submit(Self.signed)])
        #expect(Self.run(Self.open(.accepted(trackingID: "trk", lastSeq: 1)), [.restart]).1 == [.replay(trackingID: "trk", afterSeq: 1)])
        #expect(Self.run(Self.open(.initiated(trackingID: "trk", lastSeq: 2, orderID: "42")), [.restart]).1
                == [.replay(trackingID: "trk", afterSeq: 2)])
        for final: M.State in [.executed(Self.fill), .declined(reason: "x"), .failed(code: "x"), .expired] {
            #expect(Self.run(Self.open(final), [.restart]).1.isEmpty)
        }
        // Restarted under the stop: an open not yet signed is dropped, its nonce released; a signed one is not re-sent.
        #expect(Self.run(Self.open(.intent(nonce: "0xabc"), gate: false), [.restart])
                == (.failed(code: "BLOCKED"), [.persist(.failed(code: "BLOCKED")), .releaseNonce("0xabc")]))
        #expect(Self.run(Self.open(.signed(Self.signed), gate: false), [.restart]).1.isEmpty)
    }

    @Test func theDeadlineDecidesAnOrderWhoseOutcomeWasNeverHeard() {
        let before = Self.signed.deadline - 1, after = Self.signed.deadline + 1
        for state: M.State in [.signed(Self.signed), .accepted(trackingID: "trk", lastSeq: 0),
                               .initiated(trackingID: "trk", lastSeq: 1, orderID: "42")] {
            #expect(Self.run(Self.open(state), [.tick(now: before, filledOnChain: false)]).1.isEmpty)
            #expect(Self.run(Self.open(state), [.tick(now: after, filledOnChain: false)])
                    == (.expired, [.persist(.expired), .releaseNonce("0xabc")]))
            // A fill of ours on chain is not expired: the indexer's match settles it.
            #expect(Self.run(Self.open(state), [.tick(now: after, filledOnChain: true)]).1.isEmpty)
        }
    }

    @Test func theEmergencyStopDropsOpensHoldsClosesAndReportsWhatTheRelayerHolds() {
        // An open not yet signed: dropped. A close: waits, then goes out when the gate opens.
        #expect(Self.run(Self.open(.intent(nonce: "0xabc")), [.gateClosed]).0 == .failed(code: "BLOCKED"))
        let waited = Self.run(Self.close(.intent(nonce: "0xabc")), [.gateClosed, .gateOpened])
        #expect(waited == (.intent(nonce: "0xabc"), [.sign(nonce: "0xabc")]))
        // Signed while closed: never submitted; a close goes out when it opens.
        var close = Self.close(.intent(nonce: "0xabc"), gate: false)
        #expect(close.handle(.signed(Self.signed)) == [.persist(.signed(Self.signed))])
        #expect(close.handle(.streamEnded).isEmpty && close.handle(.restart).isEmpty)
        #expect(close.handle(.gateOpened) == [.submit(Self.signed)])
        // Already with the relayer: it cannot be recalled; the admins are told.
        let (_, actions) = Self.run(Self.open(.accepted(trackingID: "trk", lastSeq: 0)), [.gateClosed])
        #expect(actions == [.alert("an intent the relayer had already accepted is executing despite the stop")])
    }

    @Test func aRefusedPostFailsWithItsReason() {
        let (state, actions) = Self.run(Self.open(.signed(Self.signed)), [.submitRefused(reason: "bad signature")])
        #expect(state == .failed(code: "REFUSED"))
        #expect(actions.last == .alert("the relayer refused the order: bad signature"))
    }

    @Test func aRefusedRepeatDecidesNothingTheDeadlineDoes() {
        // After a restart the same intent goes out again; "nonce already used" means the first
        // POST was taken and may execute: no failure, the chain or the deadline settles it.
        var machine = Self.open(.signed(Self.signed))
        #expect(machine.handle(.restart) == [.submit(Self.signed)])
        #expect(machine.handle(.submitRefused(reason: "nonce already used")).isEmpty)
        #expect(machine.state == .signed(Self.signed))
        #expect(Self.run(machine, [.ourFill(Self.fill)]).0 == .executed(Self.fill))
        #expect(Self.run(machine, [.tick(now: Self.signed.deadline + 1, filledOnChain: false)]).0 == .expired)
        // The same after a cut stream.
        var cut = Self.open(.signed(Self.signed))
        _ = cut.handle(.streamEnded)
        #expect(cut.handle(.submitRefused(reason: "nonce already used")).isEmpty)
    }
}
