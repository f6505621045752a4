import AlfaSettings
import Testing

@Suite("HTTP settings: the listen address, the token, the public URL")
struct HTTPSettingsTests {
    static func settings(_ values: [String: String]) throws(SettingsError) -> Settings {
        try Settings(lookup: { values[$0] })
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, true), ("[::1]:8080", "::1", 8080, true), ("0.0.0.0:0", "0.0.0.0", 0, false),
        ("localhost:80", "localhost", 80, true), ("alfa.internal:65535", "alfa.internal", 65_535, false),
    ])
    func listenAddressesThatAreTaken(text: String, host: String, port: Int, loopback: Bool) throws {
        let listen = try #require(Settings.HTTP.Listen(text))
        #expect(listen.host == host && listen.port == port && listen.isLoopback == loopback)
        #expect(listen.description == text)
    }

    @Test(arguments: ["9464", "host:", ":9464", "host:65536", "host:-1", "::1:9464", "[::1]9464", "[::1]", "a b:1", "a/b:1", "host:9x"])
    func listenAddressesThatAreRefused(text: String) throws {
        #expect(Settings.HTTP.Listen(text) == nil)
        #expect(throws: SettingsError.self) { try Self.settings(["HTTP_LISTEN": text]) }
    }

    @Test func theListenerIsOnByDefaultOnLoopbackAndOffWhenEmpty() throws {
        let byDefault = try Self.settings([:]).http
        #expect(byDefault.listen == Settings.HTTP.Listen(host: "127.0.0.1", port: 9464))
        #expect(byDefault.metricsPublic && byDefault.token == nil && byDefault.publicURL == nil)
        #expect(try Self.settings(["HTTP_LISTEN": ""]).http.listen == nil)
        #expect(try Self.settings(["HTTP_LISTEN": " off "]).http.listen == nil)
    }

    @Test func metricsArePublicOnLoopbackUnlessSaidOtherwise() throws {
        #expect(try Self.settings(["HTTP_LISTEN": "0.0.0.0:9464"]).http.metricsPublic == false)
        #expect(try Self.settings(["HTTP_LISTEN": "0.0.0.0:9464", "HTTP_METRICS_PUBLIC": "true"]).http.metricsPublic)
        #expect(try Self.settings(["HTTP_METRICS_PUBLIC": "false"]).http.metricsPublic == false)
    }

    @Test func aShortTokenOrAPlainHTTPPublicURLIsRefusedByName() throws {
        let short = #expect(throws: SettingsError.self) { try Self.settings(["HTTP_TOKEN": "abc123"]) }
        #expect(short?.name == "HTTP_TOKEN" && short?.description.contains("abc123") == false)
        let web = #expect(throws: SettingsError.self) { try Self.settings(["WEB_PUBLIC_URL": "http://alfa.example.org"]) }
        #expect(web?.name == "WEB_PUBLIC_URL")
        #expect(try Self.settings(["WEB_PUBLIC_URL": "https://alfa.example.org"]).http.publicURL == "https://alfa.example.org")
    }
}
