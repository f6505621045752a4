import AlfaTelegram
import Testing

@Suite("Flood pacing: Telegram's limits as a schedule")
struct FloodPacerTests {
    @Test func pacerSpacesMessagesToOneChatBySecond() {
        var pacer = FloodPacer()
        #expect(pacer.earliest(chat: 5, now: 100) == 100)
        pacer.record(chat: 5, at: 100)
        #expect(pacer.earliest(chat: 5, now: 100.2) == 101)
        #expect(pacer.earliest(chat: 6, now: 100.2) == 100.2)   // other chats are free
        #expect(pacer.earliest(chat: 5, now: 103) == 103)
    }

    @Test func pacerKeepsGroupsUnderTwentyAMinute() {
        var pacer = FloodPacer()
        var time = 0.0
        for _ in 0..<20 {
            time = pacer.earliest(chat: -100, now: time)
            pacer.record(chat: -100, at: time)
        }
        #expect(time == 19)
        // The 21st must wait until the first leaves the minute.
        #expect(pacer.earliest(chat: -100, now: 19.5) == 60)
    }

    @Test func pacerKeepsEveryoneUnderThirtyASecond() {
        var pacer = FloodPacer()
        for chat in 1...30 { pacer.record(chat: Int64(chat), at: 10 + Double(chat) / 100) }
        // 30 sends between 10.01 and 10.30: the 31st waits until 11.01.
        #expect(abs(pacer.earliest(chat: 99, now: 10.4) - 11.01) < 1e-9)
        #expect(pacer.earliest(chat: 99, now: 11.5) == 11.5)
        // Any 1-second window of a long run holds at most 30 sends.
        var long = FloodPacer()
        var sends: [Double] = []
        for index in 0..<300 {
            let time = long.earliest(chat: Int64(index % 50 + 1), now: 0)
            long.record(chat: Int64(index % 50 + 1), at: time)
            sends.append(time)
        }
        for (index, time) in sends.enumerated() {
            let window = sends[index...].prefix { $0 < time + 1 }
            #expect(window.count <= 30)
        }
    }
}
