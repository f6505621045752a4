import AlfaCore
import Foundation

/// What the LIVE executor asks the node: nonces, fees, gas estimates, sends and receipts.
/// Low volume, so the answers are read with Foundation's JSON parser.
extension JSONRPCClient {
    public struct Receipt: Sendable, Equatable {
        public var succeeded: Bool
        public var blockNumber: Int64
        public var gasUsed: UInt64
        public var effectiveGasPrice: UInt64
        public var logs: [RPCLog]
    }

    public func transactionCount(_ address: EVMAddress, block: String = "pending") async throws(RPCError) -> Int64 {
        try Self.quantity(try await call("eth_getTransactionCount", #"["\#(address)","\#(block)"]"#), host: "node")
    }

    /// The latest block's base fee, wei.
    public func baseFee() async throws(RPCError) -> UInt64 {
        let block = try Self.object(try await call("eth_getBlockByNumber", #"["latest",false]"#))
        return Self.hexNumber(block["baseFeePerGas"]) ?? 0
    }

    public func estimateGas(from: EVMAddress, to: EVMAddress, data: [UInt8], value: UInt64 = 0) async throws(RPCError) -> UInt64 {
        let params = #"[{"from":"\#(from)","to":"\#(to)","data":"0x\#(Hex.encode(data))","value":"0x\#(String(value, radix: 16))"},"latest"]"#
        return UInt64(try Self.quantity(try await call("eth_estimateGas", params), host: "node"))
    }

    /// `eth_call` at the latest block; the returned bytes.
    public func ethCall(to: EVMAddress, data: [UInt8]) async throws(RPCError) -> [UInt8] {
        let answer = try await call("eth_call", #"[{"to":"\#(to)","data":"0x\#(Hex.encode(data))"},"latest"]"#)
        guard let text = String(bytes: answer, encoding: .utf8)?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")),
              text.hasPrefix("0x"), let bytes = Hex.decode(text.dropFirst(2))
        else { throw .malformedResponse(host: "node", reason: "eth_call did not return hex") }
        return bytes
    }

    /// Sends signed bytes; returns the hash the node reports.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(RPCError) -> Hash32 {
        let answer = try await call("eth_sendRawTransaction", #"["0x\#(Hex.encode(raw))"]"#)
        guard let text = String(bytes: answer, encoding: .utf8)?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")),
              let hash = Hash32(hex: text)
        else { throw .malformedResponse(host: "node", reason: "eth_sendRawTransaction did not return a hash") }
        return hash
    }

    /// The receipt, or nil while the transaction is not mined (or unknown).
    public func receipt(_ hash: Hash32) async throws(RPCError) -> Receipt? {
        let answer = try await call("eth_getTransactionReceipt", #"["\#(hash)"]"#)
        if answer.elementsEqual("null".utf8) { return nil }
        let object = try Self.object(answer)
        let logs: [RPCLog]
        do {
            let data = try JSONSerialization.data(withJSONObject: object["logs"] ?? [])
            logs = try RPCLog.decodeArray(Array(data))
        } catch {
            throw .malformedResponse(host: "node", reason: "receipt logs: \(error)")
        }
        return Receipt(succeeded: Self.hexNumber(object["status"]) == 1, blockNumber: Int64(Self.hexNumber(object["blockNumber"]) ?? 0),
                       gasUsed: Self.hexNumber(object["gasUsed"]) ?? 0,
                       effectiveGasPrice: Self.hexNumber(object["effectiveGasPrice"]) ?? 0, logs: logs)
    }

    /// Logs of one address with topic0 and topic1 given, over [from, latest].
    public func logs(from: Int64, address: EVMAddress, topic0: Hash32, topic1: [UInt8]) async throws(RPCError) -> [RPCLog] {
        let json = try await call("eth_getLogs", #"[{"fromBlock":"0x\#(String(from, radix: 16))","toBlock":"latest","address":"\#(address)","topics":["\#(topic0)","0x\#(Hex.encode(topic1))"]}]"#)
        do { return try RPCLog.decodeArray(json) } catch {
            throw .malformedResponse(host: "node", reason: "eth_getLogs: \(error)")
        }
    }

    private static func object(_ json: [UInt8]) throws(RPCError) -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else {
            throw .malformedResponse(host: "node", reason: "expected a JSON object")
        }
        return object
    }

    private static func hexNumber(_ value: Any?) -> UInt64? {
        guard let text = value as? String, text.hasPrefix("0x") else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }
}
