
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vcctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vcctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vcctl' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Asterisk version, build, uptime, last reload and entity id')
            [CompletionResult]::new('endpoints', 'endpoints', [CompletionResultType]::ParameterValue, 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)')
            [CompletionResult]::new('channels', 'channels', [CompletionResultType]::ParameterValue, 'List, show, hang up channels or read a channel variable')
            [CompletionResult]::new('originate', 'originate', [CompletionResultType]::ParameterValue, 'Originate a call (into the Stasis app unless a dialplan target is given)')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'List, create, show, change and destroy bridges')
            [CompletionResult]::new('apps', 'apps', [CompletionResultType]::ParameterValue, 'ARI applications and their subscriptions')
            [CompletionResult]::new('recordings', 'recordings', [CompletionResultType]::ParameterValue, 'Stored recordings: list, download, delete')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Stream ARI events (as an observer unless --app is given)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)')
            [CompletionResult]::new('agent-sim', 'agent-sim', [CompletionResultType]::ParameterValue, 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent')
            [CompletionResult]::new('calls', 'calls', [CompletionResultType]::ParameterValue, 'Call records kept by serve: list, show, export, statistics per agent profile, bundle')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Live view of a running serve''s calls (full screen on a terminal; a table otherwise)')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark serve''s media path with synthetic calls and agent-sim on loopback')
            [CompletionResult]::new('check-firewall', 'check-firewall', [CompletionResultType]::ParameterValue, 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Run the troubleshooting runbook end to end and print a checklist with fixes')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Place a SIP test call: timings, RTP statistics, audio round trip, recording')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)')
            [CompletionResult]::new('capture', 'capture', [CompletionResultType]::ParameterValue, 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)')
            [CompletionResult]::new('rtp-stats', 'rtp-stats', [CompletionResultType]::ParameterValue, 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)')
            [CompletionResult]::new('sip-flow', 'sip-flow', [CompletionResultType]::ParameterValue, 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes')
            [CompletionResult]::new('latency-report', 'latency-report', [CompletionResultType]::ParameterValue, 'Measured one-way latency per component of the call path, against the documented ranges')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;info' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;endpoints' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all endpoints (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one endpoint, e.g. PJSIP/anonymous')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;endpoints;list' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;endpoints;show' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;endpoints;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all endpoints (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one endpoint, e.g. PJSIP/anonymous')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;endpoints;help;list' {
            break
        }
        'vcctl;endpoints;help;show' {
            break
        }
        'vcctl;endpoints;help;help' {
            break
        }
        'vcctl;channels' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all channels (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel, with its RTP statistics when it has media')
            [CompletionResult]::new('hangup', 'hangup', [CompletionResultType]::ParameterValue, 'Hang up a channel')
            [CompletionResult]::new('var', 'var', [CompletionResultType]::ParameterValue, 'Read a channel variable or dialplan function, e.g. CALLERID(num)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;channels;list' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;channels;show' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;channels;hangup' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'normal, busy, congestion, no_answer, timeout, rejected, unallocated, ...')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;channels;var' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;channels;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all channels (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel, with its RTP statistics when it has media')
            [CompletionResult]::new('hangup', 'hangup', [CompletionResultType]::ParameterValue, 'Hang up a channel')
            [CompletionResult]::new('var', 'var', [CompletionResultType]::ParameterValue, 'Read a channel variable or dialplan function, e.g. CALLERID(num)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;channels;help;list' {
            break
        }
        'vcctl;channels;help;show' {
            break
        }
        'vcctl;channels;help;hangup' {
            break
        }
        'vcctl;channels;help;var' {
            break
        }
        'vcctl;channels;help;help' {
            break
        }
        'vcctl;originate' {
            [CompletionResult]::new('--app-args', '--app-args', [CompletionResultType]::ParameterName, 'Arguments passed to the Stasis app, comma separated')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Dialplan context (with --extension: send the call to the dialplan, not the app)')
            [CompletionResult]::new('--extension', '--extension', [CompletionResultType]::ParameterName, 'Dialplan extension')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Dialplan priority')
            [CompletionResult]::new('--caller-id', '--caller-id', [CompletionResultType]::ParameterName, 'Caller id, e.g. ''"Test" <1001>''')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for an answer')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Channel variable K=V (repeatable)')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List bridges (the default)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a bridge')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one bridge')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add channels to a bridge')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove channels from a bridge')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Destroy a bridge')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;bridge;list' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;create' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'mixing, holding, dtmf_events, proxy_media, video_sfu, video_single (comma separated)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;show' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;add' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;remove' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;destroy' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bridge;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List bridges (the default)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a bridge')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one bridge')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add channels to a bridge')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove channels from a bridge')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Destroy a bridge')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;bridge;help;list' {
            break
        }
        'vcctl;bridge;help;create' {
            break
        }
        'vcctl;bridge;help;show' {
            break
        }
        'vcctl;bridge;help;add' {
            break
        }
        'vcctl;bridge;help;remove' {
            break
        }
        'vcctl;bridge;help;destroy' {
            break
        }
        'vcctl;bridge;help;help' {
            break
        }
        'vcctl;apps' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;recordings' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored recordings (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Download a stored recording')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored recording')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;recordings;list' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;recordings;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;recordings;delete' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;recordings;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored recordings (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Download a stored recording')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored recording')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;recordings;help;list' {
            break
        }
        'vcctl;recordings;help;get' {
            break
        }
        'vcctl;recordings;help;delete' {
            break
        }
        'vcctl;recordings;help;help' {
            break
        }
        'vcctl;events' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of this type (repeatable), e.g. StasisStart')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only events about this channel id')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'Watch the events a running `vcctl serve` receives, via its HTTP API (e.g. http://127.0.0.1:8000); needs no ARI credentials')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N matching events')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Without --follow: stop after S seconds [default: 10]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming until interrupted, reconnecting when Asterisk goes away')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'With --app NAME (which registers NAME instead of watching as an observer): take the app over even if something (e.g. serve) is connected as it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile and whether its API key variable is set (never the key)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (last in the routing order unless --position is given)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Show which profile would serve a call to EXTENSION from CALLER')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;agents;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents;add' {
            [CompletionResult]::new('--agent-id', '--agent-id', [CompletionResultType]::ParameterName, 'ElevenLabs agent id')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'NAME of the environment variable holding the API key; the key itself is never stored [default: ELEVENLABS_API_KEY]')
            [CompletionResult]::new('--voice-id', '--voice-id', [CompletionResultType]::ParameterName, 'Voice override')
            [CompletionResult]::new('--first-message', '--first-message', [CompletionResultType]::ParameterName, 'First-message override')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Language override, e.g. en, de')
            [CompletionResult]::new('--extension', '--extension', [CompletionResultType]::ParameterName, 'Calls to these extensions: ''*'' any run, ''?'' one character, ''\'' escapes; absent: any')
            [CompletionResult]::new('--caller', '--caller', [CompletionResultType]::ParameterName, 'Calls from these numbers (same pattern syntax); absent: any')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Dynamic variable for the agent, K=V (repeatable)')
            [CompletionResult]::new('--position', '--position', [CompletionResultType]::ParameterName, 'Place in the routing order, 1 is tried first [default: last]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace the profile of that name if it exists (keeping its place unless --position)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents;route' {
            [CompletionResult]::new('--extension', '--extension', [CompletionResultType]::ParameterName, 'The dialed extension')
            [CompletionResult]::new('--caller', '--caller', [CompletionResultType]::ParameterName, 'The caller''s number')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;agents;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile and whether its API key variable is set (never the key)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (last in the routing order unless --position is given)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Show which profile would serve a call to EXTENSION from CALLER')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;agents;help;list' {
            break
        }
        'vcctl;agents;help;show' {
            break
        }
        'vcctl;agents;help;add' {
            break
        }
        'vcctl;agents;help;remove' {
            break
        }
        'vcctl;agents;help;route' {
            break
        }
        'vcctl;agents;help;help' {
            break
        }
        'vcctl;agent-sim' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (signed URLs and WebSocket on the same port)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'echo: return the caller''s audio; tone: answer each caller turn with a tone')
            [CompletionResult]::new('--response-delay-ms', '--response-delay-ms', [CompletionResultType]::ParameterName, 'Echo: delay of the returned audio; tone: end of caller speech to the tone')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Audio format of both directions: ulaw_8000, alaw_8000, pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000')
            [CompletionResult]::new('--tone-hz', '--tone-hz', [CompletionResultType]::ParameterName, 'Tone frequency in tone mode')
            [CompletionResult]::new('--tone-ms', '--tone-ms', [CompletionResultType]::ParameterName, 'Tone length in tone mode')
            [CompletionResult]::new('--ping-interval-ms', '--ping-interval-ms', [CompletionResultType]::ParameterName, 'Keep-alive ping period; 0 sends no pings')
            [CompletionResult]::new('--chunk-ms', '--chunk-ms', [CompletionResultType]::ParameterName, 'Size of the audio events sent')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key that signed-URL requests must carry [default: any non-empty key]')
            [CompletionResult]::new('--known-agent', '--known-agent', [CompletionResultType]::ParameterName, 'Only this agent id exists; others are not found [default: every id exists]')
            [CompletionResult]::new('--end-after-ms', '--end-after-ms', [CompletionResultType]::ParameterName, 'End each conversation from the agent side after this many milliseconds')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--interrupt-on-speech', '--interrupt-on-speech', [CompletionResultType]::ParameterName, 'Send `interruption` when the caller starts speaking while the agent talks')
            [CompletionResult]::new('--tone-burst', '--tone-burst', [CompletionResultType]::ParameterName, 'Tone mode: send each reply at once instead of in real time (a fast TTS)')
            [CompletionResult]::new('--tool-call', '--tool-call', [CompletionResultType]::ParameterName, 'Send one client_tool_call at the start of each conversation')
            [CompletionResult]::new('--extra-events', '--extra-events', [CompletionResultType]::ParameterName, 'Also send event types a client must ignore (tentative responses, vad_score, an invented one)')
            [CompletionResult]::new('--require-signed-url', '--require-signed-url', [CompletionResultType]::ParameterName, 'Refuse WebSocket connections without a signed URL''s signature (a private agent)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;serve' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'This serve''s name in call records, to tell the nodes of a cluster apart [env: VCCTL_INSTANCE] [default: host name:HTTP port]')
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'HTTP API address (healthz, readyz, metrics, calls, events); an address other than loopback needs an API token (VCCTL_API_TOKEN, VCCTL_API_TOKEN_FILE or --api-token-file)')
            [CompletionResult]::new('--api-token-file', '--api-token-file', [CompletionResultType]::ParameterName, 'File holding the HTTP API''s bearer token (wins over VCCTL_API_TOKEN and VCCTL_API_TOKEN_FILE; there is no flag for the token itself: `ps` would show it)')
            [CompletionResult]::new('--rtp-bind', '--rtp-bind', [CompletionResultType]::ParameterName, 'Local address of the per-call RTP sockets')
            [CompletionResult]::new('--rtp-advertise', '--rtp-advertise', [CompletionResultType]::ParameterName, 'Address Asterisk sends RTP to [default: --rtp-bind]')
            [CompletionResult]::new('--rtp-ports', '--rtp-ports', [CompletionResultType]::ParameterName, 'UDP ports for the per-call RTP sockets (keep them apart from Asterisk''s rtp.conf range)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'RTP format of the externalMedia leg')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Media transport to Asterisk: rtp (externalMedia RTP, a UDP port per call) or websocket (chan_websocket on the ARI HTTP port, no UDP; Asterisk 22.8 or later)')
            [CompletionResult]::new('--ws-window-ms', '--ws-window-ms', [CompletionResultType]::ParameterName, '--transport websocket: most agent audio sent to Asterisk and not yet played there (Asterisk drops whole messages at 1000 queued frames, sends MEDIA_XOFF at 900)')
            [CompletionResult]::new('--ws-idle-silence', '--ws-idle-silence', [CompletionResultType]::ParameterName, '--transport websocket: send silence frames between responses and after a barge-in so the caller''s leg keeps receiving RTP (chan_websocket 22.9+ sends none; some phones hang up or show "no audio" without it); the silence still queued when a response begins is flushed, so it delays nothing (docs/websocket-media.md)')
            [CompletionResult]::new('--agent-url', '--agent-url', [CompletionResultType]::ParameterName, 'Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]')
            [CompletionResult]::new('--chunk-ms', '--chunk-ms', [CompletionResultType]::ParameterName, 'Duration of each audio chunk sent to the agent')
            [CompletionResult]::new('--prebuffer-ms', '--prebuffer-ms', [CompletionResultType]::ParameterName, 'RTP: agent audio queued before a talkspurt starts (0: as soon as one frame is queued)')
            [CompletionResult]::new('--underflow-grace-ms', '--underflow-grace-ms', [CompletionResultType]::ParameterName, 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late agent audio before it sends silence (0: silence at once)')
            [CompletionResult]::new('--on-agent-failure', '--on-agent-failure', [CompletionResultType]::ParameterName, 'When the agent cannot be reached or fails: hang up, or play --fallback-media first')
            [CompletionResult]::new('--failure-reason', '--failure-reason', [CompletionResultType]::ParameterName, 'ARI hangup reason used when the agent fails (normal, busy, congestion, ...)')
            [CompletionResult]::new('--fallback-media', '--fallback-media', [CompletionResultType]::ParameterName, 'ARI media to play before hanging up with --on-agent-failure fallback')
            [CompletionResult]::new('--fallback-secs', '--fallback-secs', [CompletionResultType]::ParameterName, 'Longest time the fallback plays before the hangup')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'On SIGTERM/SIGINT, how long active calls may go on before they are ended')
            [CompletionResult]::new('--max-calls', '--max-calls', [CompletionResultType]::ParameterName, 'Refuse calls beyond this many at once: hung up before they are answered, with the cause congestion (the caller gets 503 Service Unavailable)')
            [CompletionResult]::new('--media-timeout', '--media-timeout', [CompletionResultType]::ParameterName, 'End a call whose caller has sent no media for this long (a caller that vanished without BYE); calls on hold are exempt; 0 turns it off')
            [CompletionResult]::new('--reconcile-secs', '--reconcile-secs', [CompletionResultType]::ParameterName, 'How often to look for channels and bridges in the app that belong to no live call; what is seen twice in a row is released; 0 turns it off')
            [CompletionResult]::new('--ari-max-requests', '--ari-max-requests', [CompletionResultType]::ParameterName, 'Most ARI requests in flight at once; keep it below Asterisk''s HTTP session limit (http.conf sessionlimit, 100 by default), which the events WebSocket and other clients share')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Record each call to DIR/<call id>.wav: caller left, agent right, 16-bit at the RTP rate (built from the bridged RTP; the call record notes the file)')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'Write each call''s RTP, both directions, to DIR/<call id>.pcap (raw IP with synthesized IP/UDP headers, for Wireshark or `vcctl rtp-stats`)')
            [CompletionResult]::new('--call-logs', '--call-logs', [CompletionResultType]::ParameterName, 'Per-call event and agent protocol logs (for `calls bundle`): DIR/<call id>.events.jsonl and .agent.jsonl [default: call-logs/ beside the database]')
            [CompletionResult]::new('--call-logs-keep', '--call-logs-keep', [CompletionResultType]::ParameterName, 'Keep the per-call logs of this many calls (older ones are deleted); 0: write none')
            [CompletionResult]::new('--call-logs-max-mb', '--call-logs-max-mb', [CompletionResultType]::ParameterName, 'Largest size of one call''s log file; the rest of the call is not logged')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--record-ari', '--record-ari', [CompletionResultType]::ParameterName, 'Have Asterisk record each call''s bridge as the stored recording <call id> (download it with `vcctl recordings get`; the call record notes `ari:<call id>`)')
            [CompletionResult]::new('--call-logs-audio', '--call-logs-audio', [CompletionResultType]::ParameterName, 'Keep audio payloads in the per-call agent logs (else their sizes only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List calls, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One call: timeline, RTP statistics, latency figures, transcript, recording')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write call records as CSV or JSON lines (to stdout, or -o FILE)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Per agent profile: calls, success rate, duration and agent response percentiles')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Everything about one call in one .tar.gz for a support ticket (secrets removed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;calls;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome (in_progress: not ended yet)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only calls served by this agent profile')
            [CompletionResult]::new('--caller', '--caller', [CompletionResultType]::ParameterName, 'Only calls from this number')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only calls this node handled: its Asterisk entity id or its serve instance')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most N calls; 0: all')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls;export' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)')
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'Only calls with this outcome (in_progress: not ended yet)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only calls served by this agent profile')
            [CompletionResult]::new('--caller', '--caller', [CompletionResultType]::ParameterName, 'Only calls from this number')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only calls this node handled: its Asterisk entity id or its serve instance')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'csv: one row per call, a header row, RFC 4180 quoting; jsonl: one JSON record a line')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls;stats' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this agent profile')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only calls this node handled: its Asterisk entity id or its serve instance')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'One row per agent profile, per node (serve instance and Asterisk entity id), or per Asterisk')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls;bundle' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the bundle')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the bundle')
            [CompletionResult]::new('--call-logs', '--call-logs', [CompletionResultType]::ParameterName, 'Directory of serve''s per-call event and agent logs [default: call-logs/ beside the database]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--with-audio', '--with-audio', [CompletionResultType]::ParameterName, 'Keep the agent''s and the caller''s audio payloads in the agent log (when serve kept them: serve --call-logs-audio); without it they are summarized as sizes')
            [CompletionResult]::new('--redact-callers', '--redact-callers', [CompletionResultType]::ParameterName, 'Replace the caller''s phone numbers and names by caller-1, caller-2, ... everywhere')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;calls;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List calls, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One call: timeline, RTP statistics, latency figures, transcript, recording')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write call records as CSV or JSON lines (to stdout, or -o FILE)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Per agent profile: calls, success rate, duration and agent response percentiles')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Everything about one call in one .tar.gz for a support ticket (secrets removed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;calls;help;list' {
            break
        }
        'vcctl;calls;help;show' {
            break
        }
        'vcctl;calls;help;export' {
            break
        }
        'vcctl;calls;help;stats' {
            break
        }
        'vcctl;calls;help;bundle' {
            break
        }
        'vcctl;calls;help;help' {
            break
        }
        'vcctl;top' {
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'HTTP API of vcctl serve')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Refreshes per second of the full-screen view')
            [CompletionResult]::new('--bundle-dir', '--bundle-dir', [CompletionResultType]::ParameterName, 'Where the bundle key (b) writes: DIR/<call id>.tar.gz')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Print one snapshot as a table (or --json) and exit, even on a terminal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;bench' {
            [CompletionResult]::new('--calls', '--calls', [CompletionResultType]::ParameterName, 'Numbers of concurrent calls to measure, comma separated')
            [CompletionResult]::new('--seconds', '--seconds', [CompletionResultType]::ParameterName, 'Seconds to measure each N (after all its calls are set up)')
            [CompletionResult]::new('--ramp', '--ramp', [CompletionResultType]::ParameterName, 'Calls set up per second')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'The media path to measure, as serve''s --transport: rtp (serve paces RTP to a synthetic Asterisk) or websocket (a synthetic Asterisk speaking chan_websocket)')
            [CompletionResult]::new('--prebuffer-ms', '--prebuffer-ms', [CompletionResultType]::ParameterName, 'RTP: agent audio queued before a talkspurt starts (serve''s --prebuffer-ms)')
            [CompletionResult]::new('--underflow-grace-ms', '--underflow-grace-ms', [CompletionResultType]::ParameterName, 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late audio before it sends silence (serve''s --underflow-grace-ms)')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;check-firewall' {
            [CompletionResult]::new('--sip', '--sip', [CompletionResultType]::ParameterName, 'SIP port, or `none` [default: 5060/udp]')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]')
            [CompletionResult]::new('--rtp', '--rtp', [CompletionResultType]::ParameterName, 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg''s media runs over the ARI port (checked, with chan_websocket) instead of RTP')
            [CompletionResult]::new('--asterisk-config', '--asterisk-config', [CompletionResultType]::ParameterName, 'Asterisk''s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]')
            [CompletionResult]::new('--stun', '--stun', [CompletionResultType]::ParameterName, 'STUN server asked for the public address, or `none`')
            [CompletionResult]::new('--external-ip', '--external-ip', [CompletionResultType]::ParameterName, 'The address callers use to reach this host (compared with STUN and PJSIP)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'A reflector on another host (vcctl check-firewall --reflector) that probes each port')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Interface outside traffic arrives on [default: the one of the default route]')
            [CompletionResult]::new('--samples', '--samples', [CompletionResultType]::ParameterName, 'RTP ports probed through the reflector')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'With --reflector: the address to listen on')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--local-only', '--local-only', [CompletionResultType]::ParameterName, 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic')
            [CompletionResult]::new('--remote-clients', '--remote-clients', [CompletionResultType]::ParameterName, 'ARI and the HTTP API are used from other hosts, so their ports must be open')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Evaluate the firewall for IPv6 instead of IPv4')
            [CompletionResult]::new('--reflector', '--reflector', [CompletionResultType]::ParameterName, 'Run as the reflector for another host''s --peer instead of checking this host')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;doctor' {
            [CompletionResult]::new('--sip', '--sip', [CompletionResultType]::ParameterName, 'SIP port, or `none` [default: 5060/udp]')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]')
            [CompletionResult]::new('--rtp', '--rtp', [CompletionResultType]::ParameterName, 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg''s media runs over the ARI port (checked, with chan_websocket) instead of RTP')
            [CompletionResult]::new('--asterisk-config', '--asterisk-config', [CompletionResultType]::ParameterName, 'Asterisk''s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]')
            [CompletionResult]::new('--stun', '--stun', [CompletionResultType]::ParameterName, 'STUN server asked for the public address, or `none`')
            [CompletionResult]::new('--external-ip', '--external-ip', [CompletionResultType]::ParameterName, 'The address callers use to reach this host (compared with STUN and PJSIP)')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'A reflector on another host (vcctl check-firewall --reflector) that probes each port')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Interface outside traffic arrives on [default: the one of the default route]')
            [CompletionResult]::new('--samples', '--samples', [CompletionResultType]::ParameterName, 'RTP ports probed through the reflector')
            [CompletionResult]::new('--agent-url', '--agent-url', [CompletionResultType]::ParameterName, 'Agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]')
            [CompletionResult]::new('--agent-id', '--agent-id', [CompletionResultType]::ParameterName, 'Agent id for the WebSocket handshake [env: ELEVENLABS_AGENT_ID]')
            [CompletionResult]::new('--api-url', '--api-url', [CompletionResultType]::ParameterName, 'HTTP API of vcctl serve')
            [CompletionResult]::new('--kamailio-ctl', '--kamailio-ctl', [CompletionResultType]::ParameterName, 'Kamailio''s ctl socket, e.g. unix:/run/kamailio/kamailio_ctl: doctor asks Kamailio''s dispatcher (kamcmd dispatcher.list) which nodes it sends calls to and says where it and ARI disagree [env: VCCTL_KAMAILIO_CTL]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--local-only', '--local-only', [CompletionResultType]::ParameterName, 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic')
            [CompletionResult]::new('--remote-clients', '--remote-clients', [CompletionResultType]::ParameterName, 'ARI and the HTTP API are used from other hosts, so their ports must be open')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Evaluate the firewall for IPv6 instead of IPv4')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;call' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]')
            [CompletionResult]::new('--sip-user', '--sip-user', [CompletionResultType]::ParameterName, 'User name for SIP digest authentication (when the PBX answers 401/407)')
            [CompletionResult]::new('--sip-password', '--sip-password', [CompletionResultType]::ParameterName, 'Password for SIP digest authentication; prefer the environment to a flag')
            [CompletionResult]::new('--play', '--play', [CompletionResultType]::ParameterName, 'Send this WAV file (16-bit PCM; other rates are resampled, channels mixed to mono)')
            [CompletionResult]::new('--tone', '--tone', [CompletionResultType]::ParameterName, 'Send a sine tone of this frequency')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Write what the far end sends to this WAV file (8 kHz, 16-bit, mono)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to stay connected after the answer; 0: until the far end hangs up or Ctrl-C [default: 10, or the length of --play plus 1]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the answer before giving up (CANCEL)')
            [CompletionResult]::new('--codec', '--codec', [CompletionResultType]::ParameterName, 'Offer only this codec [default: offer ulaw, then alaw]')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Local address for SIP (IP or IP:PORT); RTP uses the same IP [default: the address that reaches the target]')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--no-markers', '--no-markers', [CompletionResultType]::ParameterName, 'Do not write round-trip markers (short chirps) into the outgoing audio')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;load' {
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Calls in progress at once (placed and not yet ended)')
            [CompletionResult]::new('--calls', '--calls', [CompletionResultType]::ParameterName, 'Calls to place in all [default: --concurrency]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Most calls started per second; 0: as fast as the concurrency allows')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'Seconds each answered call stays up [default: 10; with --ramp: to the end of the run]')
            [CompletionResult]::new('--ramp', '--ramp', [CompletionResultType]::ParameterName, 'Concurrency steps, e.g. 25,50,100,200: each held --step-secs, figures and SLO verdict per step')
            [CompletionResult]::new('--step-secs', '--step-secs', [CompletionResultType]::ParameterName, 'Length of each --ramp step')
            [CompletionResult]::new('--tone', '--tone', [CompletionResultType]::ParameterName, 'Send a sine tone of this frequency [default: silence; markers either way]')
            [CompletionResult]::new('--play', '--play', [CompletionResultType]::ParameterName, 'Send this WAV file on every call (16-bit PCM; resampled to 8 kHz mono)')
            [CompletionResult]::new('--codec', '--codec', [CompletionResultType]::ParameterName, 'Offer only this codec [default: offer ulaw, then alaw]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]')
            [CompletionResult]::new('--sip-user', '--sip-user', [CompletionResultType]::ParameterName, 'User name for SIP digest authentication (when the PBX answers 401/407)')
            [CompletionResult]::new('--sip-password', '--sip-password', [CompletionResultType]::ParameterName, 'Password for SIP digest authentication; prefer the environment to a flag')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Local IP (or IP:PORT for SIP) of the calls; RTP uses the same IP [default: any]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each call''s answer before giving up (CANCEL)')
            [CompletionResult]::new('--slo-answer', '--slo-answer', [CompletionResultType]::ParameterName, 'SLO: calls answered with audio both ways, in % of those placed, at least')
            [CompletionResult]::new('--slo-roundtrip-ms', '--slo-roundtrip-ms', [CompletionResultType]::ParameterName, 'SLO: audio round trip p95, at most (ignored with --no-markers)')
            [CompletionResult]::new('--slo-loss', '--slo-loss', [CompletionResultType]::ParameterName, 'SLO: RTP received loss, at most')
            [CompletionResult]::new('--chart', '--chart', [CompletionResultType]::ParameterName, 'Write a chart of answer ratio, setup p95 and round-trip p95 against concurrency (SVG)')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'With --audit-ari: seconds to wait after the last call ended')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'With --audit-ari: HTTP API of vcctl serve ("none": do not ask serve)')
            [CompletionResult]::new('--cpu-pid', '--cpu-pid', [CompletionResultType]::ParameterName, 'Also report the CPU of this process per step, e.g. asterisk=1234 (repeatable, up to 8)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'With --answer: SIP address to listen on (IPv4); RTP on an even port of the same IP')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--no-markers', '--no-markers', [CompletionResultType]::ParameterName, 'Do not write round-trip markers (short chirps) into the outgoing audio')
            [CompletionResult]::new('--audit-ari', '--audit-ari', [CompletionResultType]::ParameterName, 'After the last call: wait --settle, then list channels and bridges left in Asterisk (ARI settings as usual) and calls serve still holds (--serve); fail when any remain')
            [CompletionResult]::new('--answer', '--answer', [CompletionResultType]::ParameterName, 'Be the far end instead: answer every INVITE and echo its RTP (for measuring the generator alone)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;capture' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface to capture on, or `any` for all of them')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Interface to capture on, or `any` for all of them')
            [CompletionResult]::new('--sip-port', '--sip-port', [CompletionResultType]::ParameterName, 'SIP port (UDP, either direction)')
            [CompletionResult]::new('--rtp-ports', '--rtp-ports', [CompletionResultType]::ParameterName, 'RTP port range (UDP, either direction), e.g. Asterisk''s rtp.conf range')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Only traffic from or to this address')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after S seconds [default: until Ctrl-C]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N packets')
            [CompletionResult]::new('--rotate-mb', '--rotate-mb', [CompletionResultType]::ParameterName, 'Start a new file when the current one reaches N megabytes (10^6 bytes)')
            [CompletionResult]::new('--buffer-mb', '--buffer-mb', [CompletionResultType]::ParameterName, 'Kernel socket buffer in megabytes (a larger one rides out bursts without drops)')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--dump-filter', '--dump-filter', [CompletionResultType]::ParameterName, 'Print the kernel filter (classic BPF, tcpdump -d notation) and exit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;rtp-stats' {
            [CompletionResult]::new('--gap-ms', '--gap-ms', [CompletionResultType]::ParameterName, 'Arrival gaps longer than this are reported as problems')
            [CompletionResult]::new('--ptime-ms', '--ptime-ms', [CompletionResultType]::ParameterName, 'Packetization the stack expects')
            [CompletionResult]::new('--min-packets', '--min-packets', [CompletionResultType]::ParameterName, 'Packets of one SSRC a flow needs before it counts as RTP when no SDP announced it')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--no-heuristic', '--no-heuristic', [CompletionResultType]::ParameterName, 'Only analyse streams an SDP in the capture announced')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit with code 8 when problems are found')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;sip-flow' {
            [CompletionResult]::new('--call-id', '--call-id', [CompletionResultType]::ParameterName, 'Only calls whose Call-ID contains this text')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;latency-report' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N calls serve recorded [default: 50]')
            [CompletionResult]::new('--call', '--call', [CompletionResultType]::ParameterName, 'One call record')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only calls this node handled: its Asterisk entity id or its serve instance')
            [CompletionResult]::new('--target-ms', '--target-ms', [CompletionResultType]::ParameterName, 'End-to-end target; exit 8 when the total p95 is above it')
            [CompletionResult]::new('--chart', '--chart', [CompletionResultType]::ParameterName, 'Write a waterfall chart of the breakdown to this SVG file')
            [CompletionResult]::new('--sip-uri', '--sip-uri', [CompletionResultType]::ParameterName, 'With --probe: SIP URI of an echo extension [default: sip:echo@<ARI host>:5060]')
            [CompletionResult]::new('--agent-url', '--agent-url', [CompletionResultType]::ParameterName, 'With --probe: agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]')
            [CompletionResult]::new('--probe-count', '--probe-count', [CompletionResultType]::ParameterName, 'With --probe: requests per probe')
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Measure now with active probes (SIP OPTIONS, an echo call, ARI REST and user events, the agent); components probes cannot see still come from the call records')
            [CompletionResult]::new('--no-call', '--no-call', [CompletionResultType]::ParameterName, 'With --probe: skip the echo call (SIP processing and RTP forwarding stay without data)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;completions' {
            [CompletionResult]::new('--ari-url', '--ari-url', [CompletionResultType]::ParameterName, 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON instead of tables')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vcctl;help' {
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Asterisk version, build, uptime, last reload and entity id')
            [CompletionResult]::new('endpoints', 'endpoints', [CompletionResultType]::ParameterValue, 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)')
            [CompletionResult]::new('channels', 'channels', [CompletionResultType]::ParameterValue, 'List, show, hang up channels or read a channel variable')
            [CompletionResult]::new('originate', 'originate', [CompletionResultType]::ParameterValue, 'Originate a call (into the Stasis app unless a dialplan target is given)')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'List, create, show, change and destroy bridges')
            [CompletionResult]::new('apps', 'apps', [CompletionResultType]::ParameterValue, 'ARI applications and their subscriptions')
            [CompletionResult]::new('recordings', 'recordings', [CompletionResultType]::ParameterValue, 'Stored recordings: list, download, delete')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Stream ARI events (as an observer unless --app is given)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)')
            [CompletionResult]::new('agent-sim', 'agent-sim', [CompletionResultType]::ParameterValue, 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent')
            [CompletionResult]::new('calls', 'calls', [CompletionResultType]::ParameterValue, 'Call records kept by serve: list, show, export, statistics per agent profile, bundle')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Live view of a running serve''s calls (full screen on a terminal; a table otherwise)')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark serve''s media path with synthetic calls and agent-sim on loopback')
            [CompletionResult]::new('check-firewall', 'check-firewall', [CompletionResultType]::ParameterValue, 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Run the troubleshooting runbook end to end and print a checklist with fixes')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Place a SIP test call: timings, RTP statistics, audio round trip, recording')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)')
            [CompletionResult]::new('capture', 'capture', [CompletionResultType]::ParameterValue, 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)')
            [CompletionResult]::new('rtp-stats', 'rtp-stats', [CompletionResultType]::ParameterValue, 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)')
            [CompletionResult]::new('sip-flow', 'sip-flow', [CompletionResultType]::ParameterValue, 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes')
            [CompletionResult]::new('latency-report', 'latency-report', [CompletionResultType]::ParameterValue, 'Measured one-way latency per component of the call path, against the documented ranges')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vcctl;help;info' {
            break
        }
        'vcctl;help;endpoints' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all endpoints (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one endpoint, e.g. PJSIP/anonymous')
            break
        }
        'vcctl;help;endpoints;list' {
            break
        }
        'vcctl;help;endpoints;show' {
            break
        }
        'vcctl;help;channels' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List all channels (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel, with its RTP statistics when it has media')
            [CompletionResult]::new('hangup', 'hangup', [CompletionResultType]::ParameterValue, 'Hang up a channel')
            [CompletionResult]::new('var', 'var', [CompletionResultType]::ParameterValue, 'Read a channel variable or dialplan function, e.g. CALLERID(num)')
            break
        }
        'vcctl;help;channels;list' {
            break
        }
        'vcctl;help;channels;show' {
            break
        }
        'vcctl;help;channels;hangup' {
            break
        }
        'vcctl;help;channels;var' {
            break
        }
        'vcctl;help;originate' {
            break
        }
        'vcctl;help;bridge' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List bridges (the default)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a bridge')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one bridge')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add channels to a bridge')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove channels from a bridge')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Destroy a bridge')
            break
        }
        'vcctl;help;bridge;list' {
            break
        }
        'vcctl;help;bridge;create' {
            break
        }
        'vcctl;help;bridge;show' {
            break
        }
        'vcctl;help;bridge;add' {
            break
        }
        'vcctl;help;bridge;remove' {
            break
        }
        'vcctl;help;bridge;destroy' {
            break
        }
        'vcctl;help;apps' {
            break
        }
        'vcctl;help;recordings' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored recordings (the default)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Download a stored recording')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a stored recording')
            break
        }
        'vcctl;help;recordings;list' {
            break
        }
        'vcctl;help;recordings;get' {
            break
        }
        'vcctl;help;recordings;delete' {
            break
        }
        'vcctl;help;events' {
            break
        }
        'vcctl;help;agents' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile and whether its API key variable is set (never the key)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (last in the routing order unless --position is given)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Show which profile would serve a call to EXTENSION from CALLER')
            break
        }
        'vcctl;help;agents;list' {
            break
        }
        'vcctl;help;agents;show' {
            break
        }
        'vcctl;help;agents;add' {
            break
        }
        'vcctl;help;agents;remove' {
            break
        }
        'vcctl;help;agents;route' {
            break
        }
        'vcctl;help;agent-sim' {
            break
        }
        'vcctl;help;serve' {
            break
        }
        'vcctl;help;calls' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List calls, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One call: timeline, RTP statistics, latency figures, transcript, recording')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write call records as CSV or JSON lines (to stdout, or -o FILE)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Per agent profile: calls, success rate, duration and agent response percentiles')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Everything about one call in one .tar.gz for a support ticket (secrets removed)')
            break
        }
        'vcctl;help;calls;list' {
            break
        }
        'vcctl;help;calls;show' {
            break
        }
        'vcctl;help;calls;export' {
            break
        }
        'vcctl;help;calls;stats' {
            break
        }
        'vcctl;help;calls;bundle' {
            break
        }
        'vcctl;help;top' {
            break
        }
        'vcctl;help;bench' {
            break
        }
        'vcctl;help;check-firewall' {
            break
        }
        'vcctl;help;doctor' {
            break
        }
        'vcctl;help;call' {
            break
        }
        'vcctl;help;load' {
            break
        }
        'vcctl;help;capture' {
            break
        }
        'vcctl;help;rtp-stats' {
            break
        }
        'vcctl;help;sip-flow' {
            break
        }
        'vcctl;help;latency-report' {
            break
        }
        'vcctl;help;completions' {
            break
        }
        'vcctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
