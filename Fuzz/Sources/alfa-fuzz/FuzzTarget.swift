import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaTelegram
import Foundation

/// Every parser that reads bytes from outside alfa: a node, the relayer, Telegram, an
/// operator's files and settings.
enum FuzzTarget: String, CaseIterable {
    /// A JSON-RPC answer or batch, then each result as logs and as a block header.
    case jsonRPC = "json-rpc"
    /// One log of a catalogue event: the first byte picks the event, the rest are its topics and data.
    case avantisLog = "avantis-log"
    /// An operator's ABI file for AVANTIS_ABI_DIR.
    case abiJSON = "abi-json"
    /// A `getUpdates` answer.
    case telegramUpdates = "telegram-updates"
    /// A chat message's text, and a button's callback data.
    case chatCommand = "chat-command"
    /// The relayer's event stream, cut into chunks where the input says, and each event's JSON.
    case serverSentEvents = "sse"
    /// Settings as `NAME=value` lines.
    case settings

    func run(_ bytes: [UInt8]) {
        switch self {
        case .jsonRPC: Self.jsonRPC(bytes)
        case .avantisLog: Self.avantisLog(bytes)
        case .abiJSON: Self.abiJSON(bytes)
        case .telegramUpdates: Self.telegramUpdates(bytes)
        case .chatCommand: Self.chatCommand(bytes)
        case .serverSentEvents: Self.serverSentEvents(bytes)
        case .settings: Self.settings(bytes)
        }
    }

    private static func jsonRPC(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        // The first byte: how many calls the batch had (1 to 4) and the first id.
        let methods = Array(["eth_getLogs", "eth_getBlockByNumber", "eth_blockNumber", "eth_chainId"].prefix(Int(first % 4) + 1))
        let firstID = Int64(first / 4)
        guard let answers = try? JSONRPCAnswers.split(Array(bytes.dropFirst()), firstID: firstID, methods: methods, host: "fuzz")
        else { return }
        for case .success(let result) in answers {
            _ = try? RPCLog.decodeArray(result)
            _ = try? BlockHeader.decode(result)
        }
    }

    private static let decoder: AvantisLogDecoder = {
        var addresses: [AvantisContract: EVMAddress] = [:]
        for (offset, contract) in AvantisContract.allCases.enumerated() {
            addresses[contract] = EVMAddress(bytes: [UInt8](repeating: 0, count: 19) + [UInt8(offset + 1)])!
        }
        return AvantisLogDecoder(addresses: addresses)
    }()

    private static func avantisLog(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let definitions = decoder.catalogue.definitions
        let definition = definitions[Int(bytes[0]) % definitions.count]
        // The second byte: how many topics besides topic0 (usually the event's own count).
        let extraTopics = Int(bytes[1] % 5)
        var rest = bytes.dropFirst(2)
        var topics = [definition.topic0]
        for _ in 0..<extraTopics {
            let word = Array(rest.prefix(32))
            rest = rest.dropFirst(32)
            topics.append(Hash32(bytes: word + [UInt8](repeating: 0, count: 32 - word.count))!)
        }
        let address = decoder.watchedAddresses.first { decoder.contract(at: $0) == definition.contract }!
        let log = RPCLog(address: address, topics: topics, data: Array(rest), blockNumber: 1,
                         blockHash: Hash32(bytes: [UInt8](repeating: 1, count: 32))!,
                         transactionHash: Hash32(bytes: [UInt8](repeating: 2, count: 32))!, logIndex: 0)
        _ = decoder.decode(log)
    }

    private static func abiJSON(_ bytes: [UInt8]) {
        for contract in AvantisContract.allCases {
            _ = try? AvantisABI.definitions(Data(bytes), contract: contract, file: "fuzz.json", generation: "fuzz")
        }
    }

    private static func telegramUpdates(_ bytes: [UInt8]) {
        let updates: [BotUpdate]? = try? BotAPIResponse.result(of: "getUpdates", status: 200, headers: [:], body: bytes,
                                                             redacting: Secret("123:token"))
        for update in updates ?? [] { _ = update.content }
        let _: Bool? = try? BotAPIResponse.result(of: "sendMessage", status: 400, headers: ["retry-after": "3"], body: bytes,
                                                 redacting: Secret("123:token"))
    }

    private static func chatCommand(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = CommandParser(botUsername: "alfa_bot").parse(text)
        _ = ButtonPress(data: text)
    }

    private static func serverSentEvents(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let chunk = Int(first % 16) + 1
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        var rest = bytes.dropFirst()
        while !rest.isEmpty {
            events += parser.feed(rest.prefix(chunk))
            rest = rest.dropFirst(chunk)
        }
        for event in events { _ = try? RelayerEvent(event) }
        _ = try? RelayerEvent.replay(String(decoding: bytes.dropFirst(), as: UTF8.self))
    }

    private static func settings(_ bytes: [UInt8]) {
        var values: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        _ = try? Settings(lookup: { values[$0] })
    }
}
