import AlfaCore
import Testing

/// The indexer's step with no RPC and no database: a table of chains and what a step does on them.
@Suite("Indexer step machine")
struct IndexerStepMachineTests {
    typealias M = IndexerStepMachine

    /// Block n's hash on the main chain (fork 0) or on a fork that branches off at some block.
    static func hash(_ number: Int64, fork: UInt8 = 0) -> Hash32 {
        var bytes = [UInt8](repeating: fork, count: 32)
        withUnsafeBytes(of: number.bigEndian) { bytes.replaceSubrange(24..<32, with: $0) }
        return Hash32(bytes: bytes)!
    }

    /// A chain of blocks 0...head, on fork `fork` from block `forkFrom` on.
    static func chain(head: Int64, fork: UInt8 = 0, forkFrom: Int64 = .max) -> [Int64: M.BlockLink] {
        var links: [Int64: M.BlockLink] = [:]
        for number in 0...head {
            let own: UInt8 = number >= forkFrom ? fork : 0
            let parent: UInt8 = number - 1 >= forkFrom ? fork : 0
            links[number] = M.BlockLink(number: number, hash: hash(number, fork: own), parentHash: hash(number - 1, fork: parent))
        }
        return links
    }

    static func checkpoint(_ block: Int64, fork: UInt8 = 0) -> M.Checkpoint { .init(lastBlock: block, lastBlockHash: hash(block, fork: fork)) }

    /// Runs one step against `chain` (what the node answers) and `stored` (the hashes kept),
    /// performing every action as the indexer would; returns the actions in order.
    static func run(checkpoint: M.Checkpoint?, head: Int64, chain: [Int64: M.BlockLink], stored: [Int64: Hash32] = [:],
                    logBlocks: [Int64] = [], missing: Set<Int64> = [], confirmations: Int64 = 5, concurrency: Int = 1,
                    pageSize: Int64 = 100, stopBlock: Int64? = nil) -> [M.Action] {
        var machine = M(confirmations: confirmations, concurrency: concurrency, stopBlock: stopBlock)
        var actions = [machine.start(checkpoint: checkpoint)]
        while true {
            let next: M.Action
            switch actions.last! {
            case .readHead: next = machine.headRead(head, pageSize: pageSize)
            case .fetch(let page):
                let logs = logBlocks.filter { (page.from...page.to).contains($0) }.map { (block: $0, hash: chain[$0]!.hash) }
                var headers: [Int64: M.BlockLink?] = [:]
                for number in page.headersNeeded(logBlocks: logs.map(\.block)) {
                    headers[number] = missing.contains(number) ? .some(nil) : chain[number]
                }
                next = machine.pageFetched(logs: logs, headers: headers)
            case .commit: next = machine.committed()
            case .compare(let number):
                let storedHash = number == checkpoint?.lastBlock ? checkpoint?.lastBlockHash : stored[number]
                next = machine.blockCompared(stored: storedHash, canonical: missing.contains(number) ? nil : chain[number])
            case .rollBack: next = machine.rolledBack()
            case .backfill, .done: return actions
            }
            actions.append(next)
        }
    }

    static func outcome(_ actions: [M.Action]) -> M.Outcome? {
        if case .done(let outcome) = actions.last! { outcome } else { nil }
    }

    @Test func noCheckpointWaitsWithoutAskingTheNode() {
        #expect(Self.run(checkpoint: nil, head: 100, chain: Self.chain(head: 100)) == [.done(.waiting("no checkpoint yet"))])
    }

    @Test(arguments: [
        (checkpoint: Int64(100), head: Int64(100), stop: Int64?.none),
        (checkpoint: 100, head: 90, stop: nil),     // a lagging endpoint is not a reorg
        (checkpoint: 50, head: 100, stop: 50),      // through --to-block
    ])
    func caughtUp(checkpoint: Int64, head: Int64, stop: Int64?) {
        let actions = Self.run(checkpoint: Self.checkpoint(checkpoint), head: head, chain: Self.chain(head: 100), stopBlock: stop)
        #expect(actions == [.readHead, .done(.caughtUp(head: head))])
    }

    @Test func aFinalPageIsFetchedAndCommittedWithoutKeepingHashes() {
        let actions = Self.run(checkpoint: Self.checkpoint(10), head: 1_000, chain: Self.chain(head: 1_000), logBlocks: [12, 50])
        let page = M.Page(from: 11, to: 110, recentFrom: 996)
        #expect(actions == [.readHead, .fetch(page), .commit(page, head: 1_000), .done(.indexed(page))])
        #expect(page.headersNeeded(logBlocks: [12, 50]) == [12, 50, 110])
        #expect(!page.hasRecentBlocks)
    }

    @Test func aPageNearTheHeadKeepsEveryRecentHeaderAndItsFirstBlock() {
        let page = M.Page(from: 95, to: 100, recentFrom: 96)
        #expect(page.headersNeeded(logBlocks: [97]) == [95, 96, 97, 98, 99, 100])
        let actions = Self.run(checkpoint: Self.checkpoint(94), head: 100, chain: Self.chain(head: 100), confirmations: 5)
        #expect(actions == [.readHead, .fetch(page), .commit(page, head: 100), .done(.indexed(page))])
    }

    @Test(arguments: [
        (pageSize: Int64(100), concurrency: 4, expected: M.Action.backfill(from: 11, through: 995, head: 1_000)),
        // Within one page of the final boundary: one page, not a backfill.
        (pageSize: 985, concurrency: 4, expected: .fetch(M.Page(from: 11, to: 995, recentFrom: 996))),
        (pageSize: 100, concurrency: 1, expected: .fetch(M.Page(from: 11, to: 110, recentFrom: 996))),
    ])
    func farBehindOnFinalBlocksFetchesSeveralPagesAtOnce(pageSize: Int64, concurrency: Int, expected: M.Action) {
        let actions = Self.run(checkpoint: Self.checkpoint(10), head: 1_000, chain: Self.chain(head: 1_000), concurrency: concurrency,
                               pageSize: pageSize)
        #expect(actions[1] == expected)
    }

    @Test func theBackfillStopsAtTheStopBlock() {
        let actions = Self.run(checkpoint: Self.checkpoint(10), head: 1_000, chain: Self.chain(head: 1_000), concurrency: 4,
                               pageSize: 10, stopBlock: 500)
        #expect(actions == [.readHead, .backfill(from: 11, through: 500, head: 1_000)])
    }

    @Test func aMissingHeaderWaitsForTheNode() {
        let actions = Self.run(checkpoint: Self.checkpoint(94), head: 100, chain: Self.chain(head: 100), missing: [98])
        #expect(Self.outcome(actions) == .waiting("the node does not serve block 98 yet"))
    }

    @Test func aLogFromAnotherVersionOfItsBlockWaits() {
        var machine = M(confirmations: 5, concurrency: 1)
        _ = machine.start(checkpoint: Self.checkpoint(10))
        guard case .fetch(let page) = machine.headRead(1_000, pageSize: 100) else { Issue.record("no fetch"); return }
        let chain = Self.chain(head: 1_000)
        var headers: [Int64: M.BlockLink?] = [:]
        for number in page.headersNeeded(logBlocks: [20]) { headers[number] = chain[number] }
        let action = machine.pageFetched(logs: [(block: 20, hash: Self.hash(20, fork: 9))], headers: headers)
        #expect(action == .done(.waiting("block 20 changed while reading it")))
        #expect(M.check(logs: [(block: 20, hash: Self.hash(20))], headers: headers) == nil)
    }

    @Test func recentBlocksThatDoNotLinkUpWait() {
        // The node switched forks between two header requests: 98's parent is not the 97 it gave.
        var chain = Self.chain(head: 100)
        chain[98] = M.BlockLink(number: 98, hash: Self.hash(98), parentHash: Self.hash(97, fork: 3))
        let actions = Self.run(checkpoint: Self.checkpoint(94), head: 100, chain: chain)
        #expect(Self.outcome(actions) == .waiting("blocks changed while reading them"))
    }

    @Test func aReorgWalksBackToTheCommonAncestorAndRollsBack() {
        // We indexed through 98 on fork 0; the chain now has fork 7 from block 96 on.
        let chain = Self.chain(head: 102, fork: 7, forkFrom: 96)
        let stored: [Int64: Hash32] = [95: Self.hash(95), 96: Self.hash(96), 97: Self.hash(97)]
        let actions = Self.run(checkpoint: Self.checkpoint(98), head: 102, chain: chain, stored: stored)
        #expect(actions == [M.Action]([
            .readHead, .fetch(M.Page(from: 99, to: 102, recentFrom: 99)),
            .compare(block: 98), .compare(block: 97), .compare(block: 96), .compare(block: 95),
            .rollBack(to: 95, hash: Self.hash(95)), .done(.rolledBack(to: 95)),
        ]))
    }

    @Test func aReorgDeeperThanTheKeptBlocksNeedsAnOperator() {
        let chain = Self.chain(head: 102, fork: 7, forkFrom: 90)
        let stored: [Int64: Hash32] = [96: Self.hash(96), 97: Self.hash(97)]
        let actions = Self.run(checkpoint: Self.checkpoint(98), head: 102, chain: chain, stored: stored)
        #expect(Self.outcome(actions) == .reorgTooDeep(checkpoint: 98))
    }

    @Test func aNodeWithoutTheComparedBlockIsLaggingNotReorganised() {
        let chain = Self.chain(head: 102, fork: 7, forkFrom: 96)
        let actions = Self.run(checkpoint: Self.checkpoint(98), head: 102, chain: chain, stored: [97: Self.hash(97)], missing: [97])
        #expect(Self.outcome(actions) == .waiting("the node does not serve block 97: lagging, not reorganised"))
    }

    @Test func finalBlocksAreNeverComparedWithTheCheckpoint() {
        // Far behind, the first block's parent is not looked at: only recent pages are checked.
        let chain = Self.chain(head: 1_000, fork: 7, forkFrom: 5)
        let actions = Self.run(checkpoint: Self.checkpoint(10), head: 1_000, chain: chain)
        #expect(Self.outcome(actions) == .indexed(M.Page(from: 11, to: 110, recentFrom: 996)))
    }
}
