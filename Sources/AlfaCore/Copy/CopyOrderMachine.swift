/// A LIVE copy order's lifecycle on Avantis v2, as a state machine in the style of
/// postgres-nio's: events in, actions out, no I/O. The executor performs the actions; the
/// repository stores each transition with one compare-and-swap on the state it expects.
///
/// Why every branch is decidable: an intent carries its own nonce (a 256-bit value, a bitmap
/// bit, never reused) and deadline (unix ms). Re-submitting the same signed intent can never
/// execute twice, so a crash between the POST and the tracking id is recovered by submitting
/// it again; and once the deadline has passed with no fill of ours on chain
/// `INDEXER_CONFIRMATIONS` deep, the intent can never execute: it is expired for certain.
public struct CopyOrderMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Stored before signing, with the nonce it will be signed with.
        case intent(nonce: String)
        /// Signed: what to submit (again, after a crash) until the relayer accepts it.
        case signed(Signed)
        /// The relayer accepted it: replayable by tracking id after `lastSeq`.
        case accepted(trackingID: String, lastSeq: Int64)
        /// Registered on chain with an order id.
        case initiated(trackingID: String, lastSeq: Int64, orderID: String)
        case executed(RelayerEvent.Fill)
        /// The protocol declined the fill (slippage…): a market outcome.
        case declined(reason: String)
        /// Execution failed: the relayer's code, or why it was never submitted.
        case failed(code: String)
        /// The deadline passed with no fill of ours on chain, confirmed.
        case expired

        public var isFinal: Bool {
            switch self {
            case .executed, .declined, .failed, .expired: true
            default: false
            }
        }

        /// What is stored in `copy_orders.status` (an executed order is `filled`, as a DRY one).
        public var status: CopyOrder.Status {
            switch self {
            case .intent: .intent
            case .signed: .signed
            case .accepted: .accepted
            case .initiated: .initiated
            case .executed: .filled
            case .declined: .declined
            case .failed: .failed
            case .expired: .expired
            }
        }

        public var name: String { status.rawValue }

        /// How far the relayer's stream was read (−1 before acceptance): a compare-and-swap
        /// expects it with the status, so that a stale progress write never lands.
        public var lastSeq: Int64 {
            switch self {
            case .accepted(_, let seq), .initiated(_, let seq, _): seq
            default: -1
            }
        }

        /// A stored LIVE order still in flight, as the machine knows it; nil for any other.
        public init?(stored order: CopyOrder) {
            let live = order.live
            switch order.status {
            case .intent:
                guard let nonce = live.nonce else { return nil }
                self = .intent(nonce: nonce)
            case .signed:
                guard let nonce = live.nonce, let digest = live.digest, let deadline = live.deadline else { return nil }
                self = .signed(Signed(nonce: nonce, digest: digest, deadline: deadline))
            case .accepted:
                guard let tracking = live.trackingID else { return nil }
                self = .accepted(trackingID: tracking, lastSeq: live.lastSeq ?? 0)
            case .initiated:
                guard let tracking = live.trackingID else { return nil }
                self = .initiated(trackingID: tracking, lastSeq: live.lastSeq ?? 0, orderID: order.keeperOrderID.map(String.init) ?? "")
            default:
                return nil
            }
        }
    }

    public struct Signed: Sendable, Equatable {
        public var nonce: String
        public var digest: Hash32
        /// Unix milliseconds.
        public var deadline: Int64

        public init(nonce: String, digest: Hash32, deadline: Int64) {
            self.nonce = nonce
            self.digest = digest
            self.deadline = deadline
        }
    }

    public enum Event: Sendable, Equatable {
        /// Signing finished (the signature is stored beside the digest).
        case signed(Signed)
        /// The emergency stop, or DRY: nothing more may be submitted.
        case gateClosed
        /// The gate reopened (LIVE, no stop) for an order that waited.
        case gateOpened
        /// The relayer refused the POST (HTTP 4xx before the stream): expired deadline, used nonce, bad signature…
        case submitRefused(reason: String)
        /// One relayer event, streamed or replayed, with its seq (nil: not persisted, as STREAM_TIMEOUT).
        case relayer(RelayerEvent, seq: Int64?)
        /// The stream ended, or was cut, before a terminal event.
        case streamEnded
        /// The indexer stored a fill of ours that matches this order (trader, pair, index and
        /// open time, or order id): the chain's word, whatever the stream said.
        case ourFill(RelayerEvent.Fill)
        /// `now` (unix ms) and whether a fill of ours for it exists `INDEXER_CONFIRMATIONS` deep.
        case tick(now: Int64, filledOnChain: Bool)
        /// The process started again with this order in its stored state.
        case restart
    }

    public enum Action: Sendable, Equatable {
        /// Store the new state, expecting the old one (compare-and-swap).
        case persist(State)
        case sign(nonce: String)
        /// POST the signed intent (the same one after a restart: its nonce makes a repeat harmless).
        case submit(Signed)
        case replay(trackingID: String, afterSeq: Int64)
        case alert(String)
        /// The nonce was never signed into anything on chain: it may be forgotten.
        case releaseNonce(String)
    }

    public private(set) var state: State
    /// Whether the order may be submitted now (LIVE and no emergency stop).
    public private(set) var gateOpen: Bool
    /// A close only takes risk off: it waits through a closed gate instead of failing.
    public let isClose: Bool
    /// The signed intent's nonce and deadline (unix ms), kept in every state after signing.
    public private(set) var nonce: String?
    public private(set) var deadline: Int64?
    /// Whether the signed intent went out again (after a restart or a cut stream): a refusal
    /// then may only mean the first POST was taken ("nonce already used"), so it decides nothing.
    public private(set) var resubmitted = false

    /// `nonce` and `deadline`: as stored with the order, for states that do not carry them.
    public init(state: State, gateOpen: Bool, isClose: Bool, nonce: String? = nil, deadline: Int64? = nil) {
        self.state = state
        self.gateOpen = gateOpen
        self.isClose = isClose
        switch state {
        case .intent(let stored): (self.nonce, self.deadline) = (stored, nil)
        case .signed(let signed): (self.nonce, self.deadline) = (signed.nonce, signed.deadline)
        default: (self.nonce, self.deadline) = (nonce, deadline)
        }
    }

    /// What a new order does first.
    public mutating func start() -> [Action] {
        guard case .intent(let nonce) = state else { return [] }
        return gateOpen ? [.sign(nonce: nonce)] : blocked(nonce: nonce)
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (_, .ourFill(let fill)) where !state.isFinal:
            // The chain's word wins: a fill of ours is the outcome, even one read before the stream.
            return move(to: .executed(fill))

        case (.intent(let nonce), .signed(let signed)) where signed.nonce == nonce:
            deadline = signed.deadline
            guard gateOpen else { return move(to: .signed(signed)) + blocked(nonce: nonce) }
            return move(to: .signed(signed)) + [.submit(signed)]

        case (.intent(let nonce), .gateClosed):
            gateOpen = false
            return blocked(nonce: nonce)
        case (.signed, .gateClosed):
            // Maybe already on the wire: never submitted again while closed; its deadline decides.
            gateOpen = false
            return []

        case (_, .gateClosed):
            gateOpen = false
            // Already with the relayer: reported, not recalled (it cannot be).
            if case .accepted = state { return [.alert("an intent the relayer had already accepted is executing despite the stop")] }
            if case .initiated = state { return [.alert("an intent the relayer had already accepted is executing despite the stop")] }
            return []

        case (.intent(let nonce), .gateOpened):
            gateOpen = true
            return [.sign(nonce: nonce)]
        case (.signed(let signed), .gateOpened):
            gateOpen = true
            return resubmit(signed)
        case (_, .gateOpened):
            gateOpen = true
            return []

        case (.signed, .submitRefused(let reason)):
            // A repeat may be refused because the first one was taken: the deadline and the chain decide.
            guard !resubmitted else { return [] }
            return move(to: .failed(code: "REFUSED")) + [.alert("the relayer refused the order: \(reason)")]

        case (.signed, .relayer(.accepted(let trackingID), let seq)):
            return move(to: .accepted(trackingID: trackingID, lastSeq: seq ?? 0))

        case (.accepted(let trackingID, let last), .relayer(let event, let seq)),
             (.initiated(let trackingID, let last, _), .relayer(let event, let seq)):
            if let seq, seq <= last { return [] }  // seen already (a replay overlaps the stream)
            return relayer(event, trackingID: trackingID, seq: seq ?? last)

        case (.accepted(let trackingID, let last), .streamEnded), (.initiated(let trackingID, let last, _), .streamEnded):
            return [.replay(trackingID: trackingID, afterSeq: last)]

        case (.signed(let signed), .streamEnded):
            // Cut before the tracking id: the same signed intent again.
            return gateOpen ? resubmit(signed) : []

        case (.signed, .tick(let now, let filled)), (.accepted, .tick(let now, let filled)), (.initiated, .tick(let now, let filled)):
            guard let deadline, let nonce, now > deadline, !filled else { return [] }
            return move(to: .expired) + [.releaseNonce(nonce)]

        case (.intent(let nonce), .restart):
            return gateOpen ? [.sign(nonce: nonce)] : blocked(nonce: nonce)
        case (.signed(let signed), .restart):
            return gateOpen ? resubmit(signed) : []
        case (.accepted(let trackingID, let last), .restart), (.initiated(let trackingID, let last, _), .restart):
            return [.replay(trackingID: trackingID, afterSeq: last)]

        default:
            return []
        }
    }

    /// A relayer event for an order the relayer holds.
    private mutating func relayer(_ event: RelayerEvent, trackingID: String, seq: Int64) -> [Action] {
        let orderID: String? = if case .initiated(_, _, let id) = state { id } else { nil }
        switch event {
        case .initiated(let id, _):
            return move(to: .initiated(trackingID: trackingID, lastSeq: seq, orderID: id))
        case .executed(let fill):
            return move(to: .executed(fill))
        case .declined:
            return move(to: .declined(reason: "the protocol declined the fill (slippage or price)"))
                + [.alert("a copy order was declined by the protocol (slippage or price)")]
        case .error(let code, let message) where !event.isStreamTimeout:
            return move(to: .failed(code: code)) + [.alert("a copy order failed at the relayer: \(code) \(message)")]
        case .error:
            // STREAM_TIMEOUT: this connection's view only.
            return [.replay(trackingID: trackingID, afterSeq: seq)]
        case .accepted, .attemptFailed, .other:
            // Progress, not an outcome: remember how far the stream got.
            return seq > lastSeq ? move(to: orderID.map { .initiated(trackingID: trackingID, lastSeq: seq, orderID: $0) }
                                            ?? .accepted(trackingID: trackingID, lastSeq: seq)) : []
        }
    }

    private var lastSeq: Int64 { state.lastSeq }

    /// The same signed intent again, never a new one: its nonce makes a second execution impossible.
    private mutating func resubmit(_ signed: Signed) -> [Action] {
        resubmitted = true
        return [.submit(signed)]
    }

    /// An order that may not be submitted: an open is dropped, never sent late; a close waits.
    private mutating func blocked(nonce: String) -> [Action] {
        guard !isClose else { return [] }
        return move(to: .failed(code: "BLOCKED")) + [.releaseNonce(nonce)]
    }

    private mutating func move(to next: State) -> [Action] {
        state = next
        return [.persist(next)]
    }
}
