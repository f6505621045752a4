import AlfaCore

/// A log kept raw because it could not become part of a fill.
public struct RejectedLog: Sendable, Equatable {
    public var log: RPCLog
    public var rejection: LogRejection
}

/// What one page of logs turned into.
public struct AssembledLogs: Sendable {
    public var fills: [Fill] = []
    public var rejected: [RejectedLog] = []
    /// The logs that decoded but share a transaction with a rejected one: kept raw beside it,
    /// so that a later catalogue can decode the transaction whole (its fees) without the RPC.
    public var companions: [RPCLog] = []
    public var canceledOpens = 0
    /// Decoded logs per event and generation ("MarketExecuted v1.5"), for `alfa abi inspect --verify`.
    public var eventCounts: [String: Int] = [:]
}

/// Turns logs into fills, matching each execution with the fees of the same transaction
/// in log order: the TradingStorage `FeesCharged` before an open carries its opening fee,
/// the PairInfos `FeesCharged` before a close its rollover and closing fee.
public struct FillAssembler: Sendable {
    public let decoder: AvantisLogDecoder

    public init(decoder: AvantisLogDecoder) { self.decoder = decoder }

    /// `logs` in chain order; `blockTimes` maps block number → unix time for every block with a log.
    public func assemble(_ logs: [RPCLog], blockTimes: [Int64: Int64]) -> AssembledLogs {
        var out = AssembledLogs()
        var transaction = Hash32.zero
        var openingFees: [(trader: EVMAddress, pairIndex: Int32, isLong: Bool, fee: Int64)] = []
        var closingFees: [(isLong: Bool, collateral: Int64, leverage: Int64, rollover: Int64, closing: Int64, funding: Int64)] = []

        for log in logs where !log.removed {
            if log.transactionHash != transaction {
                transaction = log.transactionHash
                openingFees.removeAll(keepingCapacity: true)
                closingFees.removeAll(keepingCapacity: true)
            }
            let decoded: (AvantisEventDefinition, AvantisEvent)
            switch decoder.decode(log) {
            case .failure(let rejection):
                out.rejected.append(RejectedLog(log: log, rejection: rejection))
                continue
            case .success(let value): decoded = value
            }
            out.eventCounts["\(decoded.0.name) \(decoded.0.generation)", default: 0] += 1

            switch decoded.1 {
            case .openingFee(let trader, let pairIndex, let isLong, let fee):
                openingFees.append((trader, pairIndex, isLong, fee))
            case .closingFee(let isLong, let collateral, let leverage, let rollover, let closing, let funding):
                closingFees.append((isLong, collateral, leverage, rollover, closing, funding))
            case .openCanceled:
                out.canceledOpens += 1
            case .informational:
                break
            case .executed(let execution):
                guard let blockTime = blockTimes[log.blockNumber] else {
                    out.rejected.append(RejectedLog(log: log, rejection: .malformed(
                        event: decoded.0.name, reason: "no timestamp for block \(log.blockNumber)")))
                    continue
                }
                var fill = Self.fill(execution, log: log, blockTime: blockTime)
                if execution.isOpen {
                    if let match = openingFees.firstIndex(where: {
                        $0.trader == execution.trader && $0.pairIndex == execution.pairIndex && $0.isLong == execution.isLong
                    }) {
                        fill.openingFee = openingFees.remove(at: match).fee
                    }
                } else if let match = closingFees.firstIndex(where: {
                    $0.isLong == execution.isLong && $0.collateral == execution.positionSizeUSDC && $0.leverage == execution.leverage
                }) ?? closingFees.firstIndex(where: { $0.isLong == execution.isLong }) {
                    let fees = closingFees.remove(at: match)
                    fill.rolloverFee = fees.rollover
                    fill.closingFee = fees.closing
                    fill.fundingFee = fees.funding
                }
                out.fills.append(fill)
            }
        }
        if !out.rejected.isEmpty {
            let transactions = Set(out.rejected.map(\.log.transactionHash))
            let rejected = Set(out.rejected.map { LogID(transaction: $0.log.transactionHash, index: $0.log.logIndex) })
            out.companions = logs.filter {
                !$0.removed && transactions.contains($0.transactionHash)
                    && !rejected.contains(LogID(transaction: $0.transactionHash, index: $0.logIndex))
            }
        }
        return out
    }

    private struct LogID: Hashable {
        let transaction: Hash32
        let index: Int32
    }

    static func fill(_ e: AvantisEvent.Execution, log: RPCLog, blockTime: Int64) -> Fill {
        let kind: FillKind
        switch e.isIncrease ? nil : e.limitOrderType {
        case 0: kind = .takeProfit
        case 1: kind = .stopLoss
        case 2: kind = .liquidation
        case 3: kind = .open
        default: kind = e.isIncrease ? .increase : e.marketOpen ? .open : (e.positionSizeUSDC < e.initialPosToken ? .partialClose : .close)
        }
        return Fill(
            blockNumber: log.blockNumber, blockHash: log.blockHash, blockTime: blockTime, txHash: log.transactionHash,
            logIndex: log.logIndex, eventGeneration: e.generation, trader: e.trader, pairIndex: e.pairIndex,
            tradeIndex: e.tradeIndex, openTime: e.openTime, kind: kind, orderType: e.limitOrderType == nil ? .market : .limit,
            isLong: e.isLong, price: e.price, leverage: e.leverage, collateral: e.positionSizeUSDC,
            positionCollateral: e.initialPosToken, percentProfit: e.percentProfit, payout: e.usdcSentToTrader,
            openingFee: 0, closingFee: 0, rolloverFee: 0, fundingFee: 0, orderID: e.orderID)
    }
}
