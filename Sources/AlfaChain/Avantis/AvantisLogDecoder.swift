import AlfaCore

/// Turns raw logs of the watched contracts into `AvantisEvent`s. Dispatch is on
/// (contract, topic0), never on data length; every word is checked against its type and
/// every number against the column it feeds, so bad data is rejected, never guessed at.
public struct AvantisLogDecoder: Sendable {
    public let catalogue: AvantisEventCatalogue
    private let contracts: [EVMAddress: AvantisContract]

    public init(catalogue: AvantisEventCatalogue = .builtIn, addresses: [AvantisContract: EVMAddress]) {
        self.catalogue = catalogue
        contracts = Dictionary(addresses.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The addresses to ask `eth_getLogs` for.
    public var watchedAddresses: [EVMAddress] { contracts.keys.sorted() }

    /// The watched contract at `address`, if any.
    public func contract(at address: EVMAddress) -> AvantisContract? { contracts[address] }

    public func decode(_ log: RPCLog) -> Result<(AvantisEventDefinition, AvantisEvent), LogRejection> {
        guard let topic0 = log.topics.first, let contract = contracts[log.address],
              let definition = catalogue.definition(for: topic0, from: contract)
        else { return .failure(.unknownTopic(log.topics.first)) }
        do {
            return .success((definition, try decode(log, as: definition)))
        } catch {
            return .failure(.malformed(event: "\(definition.name) \(definition.generation)", reason: error.reason))
        }
    }

    private struct Bad: Error { let reason: String }

    private func decode(_ log: RPCLog, as definition: AvantisEventDefinition) throws(Bad) -> AvantisEvent {
        guard log.topics.count == definition.topicCount else {
            throw Bad(reason: "\(log.topics.count) topics, expected \(definition.topicCount)")
        }
        let head = definition.dataLayout.count * 32
        guard definition.hasDynamicData ? log.data.count >= head : log.data.count == head else {
            throw Bad(reason: "\(log.data.count) data bytes, expected \(definition.hasDynamicData ? "at least " : "")\(head)")
        }
        if definition.role == .informational { return .informational(name: definition.name) }
        let words = ABIWords(log.data)
        for (index, field) in definition.dataLayout.enumerated() {
            if let problem = words.validate(index, as: field.type) { throw Bad(reason: "\(field.path): \(problem)") }
        }
        let layout = definition.layout
        // Every field a role reads was checked present and of the right kind when the ABI loaded.
        func index(_ field: FillField) -> Int {
            guard case .word(let index) = layout[field] else { preconditionFailure("\(field) is not a data word") }
            return index
        }
        func int64(_ field: FillField) throws(Bad) -> Int64 {
            guard let value = words.int64(index(field)) else { throw Bad(reason: "\(layout.name(of: field)) is out of range") }
            return value
        }
        func signed(_ field: FillField) throws(Bad) -> Int64 {
            guard let value = words.signed(index(field)) else { throw Bad(reason: "\(layout.name(of: field)) is out of range") }
            return value
        }
        func int32(_ field: FillField) throws(Bad) -> Int32 {
            guard let value = words.int64(index(field)), value <= Int64(Int32.max) else { throw Bad(reason: "\(layout.name(of: field)) is out of range") }
            return Int32(value)
        }
        func uint64(_ field: FillField) throws(Bad) -> UInt64 {
            guard let value = words.unsigned(index(field)) else { throw Bad(reason: "\(layout.name(of: field)) is out of range") }
            return value
        }
        func bool(_ field: FillField) -> Bool { words.bool(index(field)) }
        func address(_ field: FillField) throws(Bad) -> EVMAddress {
            switch layout[field] {
            case .word(let index): return words.address(index)
            case .topic(let topic):
                let bytes = log.topics[topic].bytes
                guard bytes[..<12].allSatisfy({ $0 == 0 }) else { throw Bad(reason: "topic \(topic) is not an address") }
                return EVMAddress(bytes: Array(bytes[12...]))!
            case nil: preconditionFailure("\(field) has no place")
            }
        }

        switch definition.role {
        case .marketExecuted, .limitExecuted:
            var orderType: UInt8?
            if definition.role == .limitExecuted {
                let value = words.unsigned(index(.limitOrderType))
                guard let value, value <= 3 else {
                    throw Bad(reason: "\(layout.name(of: .limitOrderType)) \(value.map(String.init) ?? "(huge)") is not 0–3")
                }
                orderType = UInt8(value)
            }
            let isOpen = orderType.map { $0 == 3 } ?? bool(.marketOpen)
            // On opens `percentProfit` (limit: the trigger price) and the payout mean nothing for PnL.
            var execution = AvantisEvent.Execution(
                generation: definition.generation, orderID: try uint64(.orderID), limitOrderType: orderType,
                marketOpen: isOpen, trader: try address(.trader), pairIndex: try int32(.pairIndex),
                tradeIndex: try int32(.tradeIndex), initialPosToken: try int64(.positionCollateral),
                isLong: bool(.isLong), leverage: try int64(.leverage), openTime: try int64(.openTime),
                price: try int64(.price), positionSizeUSDC: try int64(.collateral),
                percentProfit: isOpen ? 0 : try signed(.percentProfit), usdcSentToTrader: isOpen ? 0 : try int64(.payout))
            if case .word(let index)? = layout[.openPrice] { execution.entryPrice = words.int64(index) }
            return .executed(execution)
        case .positionIncreased:
            var increase = AvantisEvent.Execution(
                generation: definition.generation, orderID: layout[.orderID] == nil ? 0 : try uint64(.orderID), limitOrderType: nil,
                marketOpen: true, trader: try address(.trader), pairIndex: try int32(.pairIndex),
                tradeIndex: try int32(.tradeIndex), initialPosToken: try int64(.positionCollateral),
                isLong: bool(.isLong), leverage: try int64(.leverage), openTime: try int64(.openTime),
                price: try int64(.price), positionSizeUSDC: try int64(.collateral), percentProfit: 0, usdcSentToTrader: 0)
            increase.isIncrease = true
            return .executed(increase)
        case .marketOpenCanceled:
            return .openCanceled(orderID: try uint64(.orderID), trader: try address(.trader), pairIndex: try int32(.pairIndex))
        case .openingFee:
            return .openingFee(trader: try address(.trader), pairIndex: try int32(.pairIndex), isLong: bool(.isLong),
                               fee: try int64(.openingFee))
        case .closingFee:
            return .closingFee(isLong: bool(.isLong), collateral: try int64(.collateral), leverage: try int64(.leverage),
                               rollover: try int64(.rollover), closingFee: try int64(.closingFee),
                               funding: layout[.funding] == nil ? 0 : try signed(.funding))
        case .informational:
            return .informational(name: definition.name)
        }
    }
}
