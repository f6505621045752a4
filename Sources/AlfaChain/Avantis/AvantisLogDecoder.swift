import AlfaCore

/// Turns raw logs of the watched contracts into `AvantisEvent`s. Dispatch is on
/// (contract, topic0), never on data length; every word is checked against its type and
/// every number against the column it feeds, so bad data is rejected, never guessed at.
public struct AvantisLogDecoder: Sendable {
    public let catalogue: AvantisEventCatalogue
    private let contracts: [EVMAddress: AvantisContract]

    public init(catalogue: AvantisEventCatalogue = .avantis, addresses: [AvantisContract: EVMAddress]) {
        self.catalogue = catalogue
        contracts = Dictionary(addresses.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The addresses to ask `eth_getLogs` for.
    public var watchedAddresses: [EVMAddress] { contracts.keys.sorted() }

    public func decode(_ log: RPCLog) -> Result<(AvantisEventDefinition, AvantisEvent), LogRejection> {
        guard let topic0 = log.topics.first, let definition = catalogue.definition(for: topic0),
              contracts[log.address] == definition.contract
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
        guard log.data.count == definition.dataLayout.count * 32 else {
            throw Bad(reason: "\(log.data.count) data bytes, expected \(definition.dataLayout.count * 32)")
        }
        let words = ABIWords(log.data)
        for (index, field) in definition.dataLayout.enumerated() {
            if let problem = words.validate(index, as: field.type) { throw Bad(reason: "\(field.path): \(problem)") }
        }
        func word(_ path: String) -> Int { definition.word(path)! }
        func int64(_ path: String) throws(Bad) -> Int64 {
            guard let value = words.int64(word(path)) else { throw Bad(reason: "\(path) is out of range") }
            return value
        }
        func int32(_ path: String) throws(Bad) -> Int32 {
            guard let value = words.int64(word(path)), value <= Int64(Int32.max) else { throw Bad(reason: "\(path) is out of range") }
            return Int32(value)
        }
        func uint64(_ path: String) throws(Bad) -> UInt64 {
            guard let value = words.unsigned(word(path)) else { throw Bad(reason: "\(path) is out of range") }
            return value
        }

        switch definition.role {
        case .marketExecuted, .limitExecuted:
            let isLimit = definition.role == .limitExecuted
            let orderType = isLimit ? UInt8(words.unsigned(word("orderType"))!) : nil
            if let orderType, orderType > 3 { throw Bad(reason: "orderType \(orderType) is not 0–3") }
            let isOpen = orderType.map { $0 == 3 } ?? words.bool(word("open"))
            // On opens `percentProfit` (limit: the trigger price) and the payout mean nothing for PnL.
            let percentProfit: Int64
            if isOpen { percentProfit = 0 } else {
                guard let value = words.signed(word("percentProfit")) else { throw Bad(reason: "percentProfit is out of range") }
                percentProfit = value
            }
            return .executed(AvantisEvent.Execution(
                generation: definition.generation, orderID: try uint64("orderId"), limitOrderType: orderType,
                marketOpen: isOpen, trader: words.address(word("t.trader")), pairIndex: try int32("t.pairIndex"),
                tradeIndex: try int32("t.index"), initialPosToken: try int64("t.initialPosToken"),
                isLong: words.bool(word("t.buy")), leverage: try int64("t.leverage"), openTime: try int64("t.timestamp"),
                price: try int64("price"), positionSizeUSDC: try int64("positionSizeUSDC"), percentProfit: percentProfit,
                usdcSentToTrader: isOpen ? 0 : try int64("usdcSentToTrader")))
        case .marketOpenCanceled:
            guard let trader = EVMAddress(bytes: Array(log.topics[1].bytes[12...])),
                  log.topics[1].bytes[..<12].allSatisfy({ $0 == 0 })
            else { throw Bad(reason: "topic 1 is not an address") }
            return .openCanceled(orderID: try uint64("orderId"), trader: trader, pairIndex: try int32("pairIndex"))
        case .openingFee:
            return .openingFee(trader: words.address(word("_trader")), pairIndex: try int32("_pairIndex"),
                               isLong: words.bool(word("_buy")), fee: try int64("fee"))
        case .closingFee:
            return .closingFee(isLong: words.bool(word("buy")), collateral: try int64("collateral"),
                               leverage: try int64("leverage"), rollover: try int64("r"), closingFee: try int64("closingFee"))
        case .informational:
            return .informational(name: definition.name)
        }
    }
}
