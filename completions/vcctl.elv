
use builtin;
use str;

set edit:completion:arg-completer[vcctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vcctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vcctl'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand info 'Asterisk version, build, uptime, last reload and entity id'
            cand endpoints 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)'
            cand channels 'List, show, hang up channels or read a channel variable'
            cand originate 'Originate a call (into the Stasis app unless a dialplan target is given)'
            cand bridge 'List, create, show, change and destroy bridges'
            cand apps 'ARI applications and their subscriptions'
            cand recordings 'Stored recordings: list, download, delete'
            cand events 'Stream ARI events (as an observer unless --app is given)'
            cand agents 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)'
            cand agent-sim 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos'
            cand serve 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent'
            cand calls 'Call records kept by serve: list, show, export, statistics per agent profile, bundle'
            cand top 'Live view of a running serve''s calls (full screen on a terminal; a table otherwise)'
            cand bench 'Benchmark serve''s media path with synthetic calls and agent-sim on loopback'
            cand check-firewall 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability'
            cand doctor 'Run the troubleshooting runbook end to end and print a checklist with fixes'
            cand call 'Place a SIP test call: timings, RTP statistics, audio round trip, recording'
            cand load 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)'
            cand capture 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)'
            cand rtp-stats 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)'
            cand sip-flow 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes'
            cand latency-report 'Measured one-way latency per component of the call path, against the documented ranges'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;info'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;endpoints'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List all endpoints (the default)'
            cand show 'Show one endpoint, e.g. PJSIP/anonymous'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;endpoints;list'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;endpoints;show'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;endpoints;help'= {
            cand list 'List all endpoints (the default)'
            cand show 'Show one endpoint, e.g. PJSIP/anonymous'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;endpoints;help;list'= {
        }
        &'vcctl;endpoints;help;show'= {
        }
        &'vcctl;endpoints;help;help'= {
        }
        &'vcctl;channels'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List all channels (the default)'
            cand show 'Show one channel, with its RTP statistics when it has media'
            cand hangup 'Hang up a channel'
            cand var 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;channels;list'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;channels;show'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;channels;hangup'= {
            cand --reason 'normal, busy, congestion, no_answer, timeout, rejected, unallocated, ...'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;channels;var'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;channels;help'= {
            cand list 'List all channels (the default)'
            cand show 'Show one channel, with its RTP statistics when it has media'
            cand hangup 'Hang up a channel'
            cand var 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;channels;help;list'= {
        }
        &'vcctl;channels;help;show'= {
        }
        &'vcctl;channels;help;hangup'= {
        }
        &'vcctl;channels;help;var'= {
        }
        &'vcctl;channels;help;help'= {
        }
        &'vcctl;originate'= {
            cand --app-args 'Arguments passed to the Stasis app, comma separated'
            cand --context 'Dialplan context (with --extension: send the call to the dialplan, not the app)'
            cand --extension 'Dialplan extension'
            cand --priority 'Dialplan priority'
            cand --caller-id 'Caller id, e.g. ''"Test" <1001>'''
            cand --timeout 'Seconds to wait for an answer'
            cand --var 'Channel variable K=V (repeatable)'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List bridges (the default)'
            cand create 'Create a bridge'
            cand show 'Show one bridge'
            cand add 'Add channels to a bridge'
            cand remove 'Remove channels from a bridge'
            cand destroy 'Destroy a bridge'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;bridge;list'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;create'= {
            cand --type 'mixing, holding, dtmf_events, proxy_media, video_sfu, video_single (comma separated)'
            cand --name 'name'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;show'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;add'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;remove'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;destroy'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bridge;help'= {
            cand list 'List bridges (the default)'
            cand create 'Create a bridge'
            cand show 'Show one bridge'
            cand add 'Add channels to a bridge'
            cand remove 'Remove channels from a bridge'
            cand destroy 'Destroy a bridge'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;bridge;help;list'= {
        }
        &'vcctl;bridge;help;create'= {
        }
        &'vcctl;bridge;help;show'= {
        }
        &'vcctl;bridge;help;add'= {
        }
        &'vcctl;bridge;help;remove'= {
        }
        &'vcctl;bridge;help;destroy'= {
        }
        &'vcctl;bridge;help;help'= {
        }
        &'vcctl;apps'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;recordings'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List stored recordings (the default)'
            cand get 'Download a stored recording'
            cand delete 'Delete a stored recording'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;recordings;list'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;recordings;get'= {
            cand -o 'o'
            cand --output 'output'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;recordings;delete'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;recordings;help'= {
            cand list 'List stored recordings (the default)'
            cand get 'Download a stored recording'
            cand delete 'Delete a stored recording'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;recordings;help;list'= {
        }
        &'vcctl;recordings;help;get'= {
        }
        &'vcctl;recordings;help;delete'= {
        }
        &'vcctl;recordings;help;help'= {
        }
        &'vcctl;events'= {
            cand --type 'Only events of this type (repeatable), e.g. StasisStart'
            cand --channel 'Only events about this channel id'
            cand --serve 'Watch the events a running `vcctl serve` receives, via its HTTP API (e.g. http://127.0.0.1:8000); needs no ARI credentials'
            cand --count 'Stop after N matching events'
            cand --timeout 'Without --follow: stop after S seconds [default: 10]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --follow 'Keep streaming until interrupted, reconnecting when Asterisk goes away'
            cand --take-over 'With --app NAME (which registers NAME instead of watching as an observer): take the app over even if something (e.g. serve) is connected as it'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
            cand show 'Show one profile and whether its API key variable is set (never the key)'
            cand add 'Add a profile (last in the routing order unless --position is given)'
            cand remove 'Remove a profile'
            cand route 'Show which profile would serve a call to EXTENSION from CALLER'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;agents;list'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents;show'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents;add'= {
            cand --agent-id 'ElevenLabs agent id'
            cand --api-key-env 'NAME of the environment variable holding the API key; the key itself is never stored [default: ELEVENLABS_API_KEY]'
            cand --voice-id 'Voice override'
            cand --first-message 'First-message override'
            cand --language 'Language override, e.g. en, de'
            cand --extension 'Calls to these extensions: ''*'' any run, ''?'' one character, ''\'' escapes; absent: any'
            cand --caller 'Calls from these numbers (same pattern syntax); absent: any'
            cand --var 'Dynamic variable for the agent, K=V (repeatable)'
            cand --position 'Place in the routing order, 1 is tried first [default: last]'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --replace 'Replace the profile of that name if it exists (keeping its place unless --position)'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents;remove'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents;route'= {
            cand --extension 'The dialed extension'
            cand --caller 'The caller''s number'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;agents;help'= {
            cand list 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
            cand show 'Show one profile and whether its API key variable is set (never the key)'
            cand add 'Add a profile (last in the routing order unless --position is given)'
            cand remove 'Remove a profile'
            cand route 'Show which profile would serve a call to EXTENSION from CALLER'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;agents;help;list'= {
        }
        &'vcctl;agents;help;show'= {
        }
        &'vcctl;agents;help;add'= {
        }
        &'vcctl;agents;help;remove'= {
        }
        &'vcctl;agents;help;route'= {
        }
        &'vcctl;agents;help;help'= {
        }
        &'vcctl;agent-sim'= {
            cand --listen 'Address to listen on (signed URLs and WebSocket on the same port)'
            cand --mode 'echo: return the caller''s audio; tone: answer each caller turn with a tone'
            cand --response-delay-ms 'Echo: delay of the returned audio; tone: end of caller speech to the tone'
            cand --format 'Audio format of both directions: ulaw_8000, alaw_8000, pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000'
            cand --tone-hz 'Tone frequency in tone mode'
            cand --tone-ms 'Tone length in tone mode'
            cand --ping-interval-ms 'Keep-alive ping period; 0 sends no pings'
            cand --chunk-ms 'Size of the audio events sent'
            cand --api-key 'API key that signed-URL requests must carry [default: any non-empty key]'
            cand --known-agent 'Only this agent id exists; others are not found [default: every id exists]'
            cand --end-after-ms 'End each conversation from the agent side after this many milliseconds'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --interrupt-on-speech 'Send `interruption` when the caller starts speaking while the agent talks'
            cand --tone-burst 'Tone mode: send each reply at once instead of in real time (a fast TTS)'
            cand --tool-call 'Send one client_tool_call at the start of each conversation'
            cand --extra-events 'Also send event types a client must ignore (tentative responses, vad_score, an invented one)'
            cand --require-signed-url 'Refuse WebSocket connections without a signed URL''s signature (a private agent)'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;serve'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --instance 'This serve''s name in call records, to tell the nodes of a cluster apart [env: VCCTL_INSTANCE] [default: host name:HTTP port]'
            cand --http 'HTTP API address (healthz, readyz, metrics, calls, events); an address other than loopback needs an API token (VCCTL_API_TOKEN, VCCTL_API_TOKEN_FILE or --api-token-file)'
            cand --api-token-file 'File holding the HTTP API''s bearer token (wins over VCCTL_API_TOKEN and VCCTL_API_TOKEN_FILE; there is no flag for the token itself: `ps` would show it)'
            cand --rtp-bind 'Local address of the per-call RTP sockets'
            cand --rtp-advertise 'Address Asterisk sends RTP to [default: --rtp-bind]'
            cand --rtp-ports 'UDP ports for the per-call RTP sockets (keep them apart from Asterisk''s rtp.conf range)'
            cand --format 'RTP format of the externalMedia leg'
            cand --transport 'Media transport to Asterisk: rtp (externalMedia RTP, a UDP port per call) or websocket (chan_websocket on the ARI HTTP port, no UDP; Asterisk 22.8 or later)'
            cand --ws-window-ms '--transport websocket: most agent audio sent to Asterisk and not yet played there (Asterisk drops whole messages at 1000 queued frames, sends MEDIA_XOFF at 900)'
            cand --ws-idle-silence '--transport websocket: send silence frames between responses and after a barge-in so the caller''s leg keeps receiving RTP (chan_websocket 22.9+ sends none; some phones hang up or show "no audio" without it); the silence still queued when a response begins is flushed, so it delays nothing (docs/websocket-media.md)'
            cand --agent-url 'Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]'
            cand --chunk-ms 'Duration of each audio chunk sent to the agent'
            cand --prebuffer-ms 'RTP: agent audio queued before a talkspurt starts (0: as soon as one frame is queued)'
            cand --underflow-grace-ms 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late agent audio before it sends silence (0: silence at once)'
            cand --on-agent-failure 'When the agent cannot be reached or fails: hang up, or play --fallback-media first'
            cand --failure-reason 'ARI hangup reason used when the agent fails (normal, busy, congestion, ...)'
            cand --fallback-media 'ARI media to play before hanging up with --on-agent-failure fallback'
            cand --fallback-secs 'Longest time the fallback plays before the hangup'
            cand --drain-timeout 'On SIGTERM/SIGINT, how long active calls may go on before they are ended'
            cand --max-calls 'Refuse calls beyond this many at once: hung up before they are answered, with the cause congestion (the caller gets 503 Service Unavailable)'
            cand --media-timeout 'End a call whose caller has sent no media for this long (a caller that vanished without BYE); calls on hold are exempt; 0 turns it off'
            cand --reconcile-secs 'How often to look for channels and bridges in the app that belong to no live call; what is seen twice in a row is released; 0 turns it off'
            cand --ari-max-requests 'Most ARI requests in flight at once; keep it below Asterisk''s HTTP session limit (http.conf sessionlimit, 100 by default), which the events WebSocket and other clients share'
            cand --record 'Record each call to DIR/<call id>.wav: caller left, agent right, 16-bit at the RTP rate (built from the bridged RTP; the call record notes the file)'
            cand --capture 'Write each call''s RTP, both directions, to DIR/<call id>.pcap (raw IP with synthesized IP/UDP headers, for Wireshark or `vcctl rtp-stats`)'
            cand --call-logs 'Per-call event and agent protocol logs (for `calls bundle`): DIR/<call id>.events.jsonl and .agent.jsonl [default: call-logs/ beside the database]'
            cand --call-logs-keep 'Keep the per-call logs of this many calls (older ones are deleted); 0: write none'
            cand --call-logs-max-mb 'Largest size of one call''s log file; the rest of the call is not logged'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --record-ari 'Have Asterisk record each call''s bridge as the stored recording <call id> (download it with `vcctl recordings get`; the call record notes `ari:<call id>`)'
            cand --call-logs-audio 'Keep audio payloads in the per-call agent logs (else their sizes only)'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List calls, newest first (the default)'
            cand show 'One call: timeline, RTP statistics, latency figures, transcript, recording'
            cand export 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
            cand stats 'Per agent profile: calls, success rate, duration and agent response percentiles'
            cand bundle 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;calls;list'= {
            cand --since 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)'
            cand --outcome 'Only calls with this outcome (in_progress: not ended yet)'
            cand --profile 'Only calls served by this agent profile'
            cand --caller 'Only calls from this number'
            cand --node 'Only calls this node handled: its Asterisk entity id or its serve instance'
            cand --limit 'Show at most N calls; 0: all'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls;show'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls;export'= {
            cand --since 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)'
            cand --outcome 'Only calls with this outcome (in_progress: not ended yet)'
            cand --profile 'Only calls served by this agent profile'
            cand --caller 'Only calls from this number'
            cand --node 'Only calls this node handled: its Asterisk entity id or its serve instance'
            cand --format 'csv: one row per call, a header row, RFC 4180 quoting; jsonl: one JSON record a line'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls;stats'= {
            cand --since 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME'
            cand --profile 'Only this agent profile'
            cand --node 'Only calls this node handled: its Asterisk entity id or its serve instance'
            cand --by 'One row per agent profile, per node (serve instance and Asterisk entity id), or per Asterisk'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls;bundle'= {
            cand -o 'Where to write the bundle'
            cand --output 'Where to write the bundle'
            cand --call-logs 'Directory of serve''s per-call event and agent logs [default: call-logs/ beside the database]'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --with-audio 'Keep the agent''s and the caller''s audio payloads in the agent log (when serve kept them: serve --call-logs-audio); without it they are summarized as sizes'
            cand --redact-callers 'Replace the caller''s phone numbers and names by caller-1, caller-2, ... everywhere'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;calls;help'= {
            cand list 'List calls, newest first (the default)'
            cand show 'One call: timeline, RTP statistics, latency figures, transcript, recording'
            cand export 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
            cand stats 'Per agent profile: calls, success rate, duration and agent response percentiles'
            cand bundle 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;calls;help;list'= {
        }
        &'vcctl;calls;help;show'= {
        }
        &'vcctl;calls;help;export'= {
        }
        &'vcctl;calls;help;stats'= {
        }
        &'vcctl;calls;help;bundle'= {
        }
        &'vcctl;calls;help;help'= {
        }
        &'vcctl;top'= {
            cand --serve 'HTTP API of vcctl serve'
            cand --rate 'Refreshes per second of the full-screen view'
            cand --bundle-dir 'Where the bundle key (b) writes: DIR/<call id>.tar.gz'
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --once 'Print one snapshot as a table (or --json) and exit, even on a terminal'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;bench'= {
            cand --calls 'Numbers of concurrent calls to measure, comma separated'
            cand --seconds 'Seconds to measure each N (after all its calls are set up)'
            cand --ramp 'Calls set up per second'
            cand --transport 'The media path to measure, as serve''s --transport: rtp (serve paces RTP to a synthetic Asterisk) or websocket (a synthetic Asterisk speaking chan_websocket)'
            cand --prebuffer-ms 'RTP: agent audio queued before a talkspurt starts (serve''s --prebuffer-ms)'
            cand --underflow-grace-ms 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late audio before it sends silence (serve''s --underflow-grace-ms)'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;check-firewall'= {
            cand --sip 'SIP port, or `none` [default: 5060/udp]'
            cand --ari 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]'
            cand --api 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]'
            cand --rtp 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]'
            cand --transport 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg''s media runs over the ARI port (checked, with chan_websocket) instead of RTP'
            cand --asterisk-config 'Asterisk''s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]'
            cand --stun 'STUN server asked for the public address, or `none`'
            cand --external-ip 'The address callers use to reach this host (compared with STUN and PJSIP)'
            cand --peer 'A reflector on another host (vcctl check-firewall --reflector) that probes each port'
            cand --interface 'Interface outside traffic arrives on [default: the one of the default route]'
            cand --samples 'RTP ports probed through the reflector'
            cand --listen 'With --reflector: the address to listen on'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --local-only 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic'
            cand --remote-clients 'ARI and the HTTP API are used from other hosts, so their ports must be open'
            cand --ipv6 'Evaluate the firewall for IPv6 instead of IPv4'
            cand --reflector 'Run as the reflector for another host''s --peer instead of checking this host'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;doctor'= {
            cand --sip 'SIP port, or `none` [default: 5060/udp]'
            cand --ari 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]'
            cand --api 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]'
            cand --rtp 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]'
            cand --transport 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg''s media runs over the ARI port (checked, with chan_websocket) instead of RTP'
            cand --asterisk-config 'Asterisk''s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]'
            cand --stun 'STUN server asked for the public address, or `none`'
            cand --external-ip 'The address callers use to reach this host (compared with STUN and PJSIP)'
            cand --peer 'A reflector on another host (vcctl check-firewall --reflector) that probes each port'
            cand --interface 'Interface outside traffic arrives on [default: the one of the default route]'
            cand --samples 'RTP ports probed through the reflector'
            cand --agent-url 'Agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]'
            cand --agent-id 'Agent id for the WebSocket handshake [env: ELEVENLABS_AGENT_ID]'
            cand --api-url 'HTTP API of vcctl serve'
            cand --kamailio-ctl 'Kamailio''s ctl socket, e.g. unix:/run/kamailio/kamailio_ctl: doctor asks Kamailio''s dispatcher (kamcmd dispatcher.list) which nodes it sends calls to and says where it and ARI disagree [env: VCCTL_KAMAILIO_CTL]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --local-only 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic'
            cand --remote-clients 'ARI and the HTTP API are used from other hosts, so their ports must be open'
            cand --ipv6 'Evaluate the firewall for IPv6 instead of IPv4'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;call'= {
            cand --from 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]'
            cand --sip-user 'User name for SIP digest authentication (when the PBX answers 401/407)'
            cand --sip-password 'Password for SIP digest authentication; prefer the environment to a flag'
            cand --play 'Send this WAV file (16-bit PCM; other rates are resampled, channels mixed to mono)'
            cand --tone 'Send a sine tone of this frequency'
            cand --record 'Write what the far end sends to this WAV file (8 kHz, 16-bit, mono)'
            cand --duration 'Seconds to stay connected after the answer; 0: until the far end hangs up or Ctrl-C [default: 10, or the length of --play plus 1]'
            cand --timeout 'Seconds to wait for the answer before giving up (CANCEL)'
            cand --codec 'Offer only this codec [default: offer ulaw, then alaw]'
            cand --bind 'Local address for SIP (IP or IP:PORT); RTP uses the same IP [default: the address that reaches the target]'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --no-markers 'Do not write round-trip markers (short chirps) into the outgoing audio'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;load'= {
            cand --concurrency 'Calls in progress at once (placed and not yet ended)'
            cand --calls 'Calls to place in all [default: --concurrency]'
            cand --rate 'Most calls started per second; 0: as fast as the concurrency allows'
            cand --hold 'Seconds each answered call stays up [default: 10; with --ramp: to the end of the run]'
            cand --ramp 'Concurrency steps, e.g. 25,50,100,200: each held --step-secs, figures and SLO verdict per step'
            cand --step-secs 'Length of each --ramp step'
            cand --tone 'Send a sine tone of this frequency [default: silence; markers either way]'
            cand --play 'Send this WAV file on every call (16-bit PCM; resampled to 8 kHz mono)'
            cand --codec 'Offer only this codec [default: offer ulaw, then alaw]'
            cand --from 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]'
            cand --sip-user 'User name for SIP digest authentication (when the PBX answers 401/407)'
            cand --sip-password 'Password for SIP digest authentication; prefer the environment to a flag'
            cand --bind 'Local IP (or IP:PORT for SIP) of the calls; RTP uses the same IP [default: any]'
            cand --timeout 'Seconds to wait for each call''s answer before giving up (CANCEL)'
            cand --slo-answer 'SLO: calls answered with audio both ways, in % of those placed, at least'
            cand --slo-roundtrip-ms 'SLO: audio round trip p95, at most (ignored with --no-markers)'
            cand --slo-loss 'SLO: RTP received loss, at most'
            cand --chart 'Write a chart of answer ratio, setup p95 and round-trip p95 against concurrency (SVG)'
            cand --settle 'With --audit-ari: seconds to wait after the last call ended'
            cand --serve 'With --audit-ari: HTTP API of vcctl serve ("none": do not ask serve)'
            cand --cpu-pid 'Also report the CPU of this process per step, e.g. asterisk=1234 (repeatable, up to 8)'
            cand --listen 'With --answer: SIP address to listen on (IPv4); RTP on an even port of the same IP'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --no-markers 'Do not write round-trip markers (short chirps) into the outgoing audio'
            cand --audit-ari 'After the last call: wait --settle, then list channels and bridges left in Asterisk (ARI settings as usual) and calls serve still holds (--serve); fail when any remain'
            cand --answer 'Be the far end instead: answer every INVITE and echo its RTP (for measuring the generator alone)'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;capture'= {
            cand -i 'Interface to capture on, or `any` for all of them'
            cand --interface 'Interface to capture on, or `any` for all of them'
            cand --sip-port 'SIP port (UDP, either direction)'
            cand --rtp-ports 'RTP port range (UDP, either direction), e.g. Asterisk''s rtp.conf range'
            cand --host 'Only traffic from or to this address'
            cand -w 'File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...'
            cand --write 'File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...'
            cand --duration 'Stop after S seconds [default: until Ctrl-C]'
            cand --count 'Stop after N packets'
            cand --rotate-mb 'Start a new file when the current one reaches N megabytes (10^6 bytes)'
            cand --buffer-mb 'Kernel socket buffer in megabytes (a larger one rides out bursts without drops)'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --dump-filter 'Print the kernel filter (classic BPF, tcpdump -d notation) and exit'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;rtp-stats'= {
            cand --gap-ms 'Arrival gaps longer than this are reported as problems'
            cand --ptime-ms 'Packetization the stack expects'
            cand --min-packets 'Packets of one SSRC a flow needs before it counts as RTP when no SDP announced it'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --no-heuristic 'Only analyse streams an SDP in the capture announced'
            cand --check 'Exit with code 8 when problems are found'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;sip-flow'= {
            cand --call-id 'Only calls whose Call-ID contains this text'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;latency-report'= {
            cand --db 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]'
            cand --last 'The last N calls serve recorded [default: 50]'
            cand --call 'One call record'
            cand --since 'Calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339)'
            cand --node 'Only calls this node handled: its Asterisk entity id or its serve instance'
            cand --target-ms 'End-to-end target; exit 8 when the total p95 is above it'
            cand --chart 'Write a waterfall chart of the breakdown to this SVG file'
            cand --sip-uri 'With --probe: SIP URI of an echo extension [default: sip:echo@<ARI host>:5060]'
            cand --agent-url 'With --probe: agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]'
            cand --probe-count 'With --probe: requests per probe'
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --probe 'Measure now with active probes (SIP OPTIONS, an echo call, ARI REST and user events, the agent); components probes cannot see still come from the call records'
            cand --no-call 'With --probe: skip the echo call (SIP processing and RTP forwarding stay without data)'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;completions'= {
            cand --ari-url 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]'
            cand --nodes 'A file naming a cluster''s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]'
            cand --user 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]'
            cand --password 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag'
            cand --app 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]'
            cand --ca-cert 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]'
            cand --json 'Print machine-readable JSON instead of tables'
            cand -v 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand --verbose 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vcctl;help'= {
            cand info 'Asterisk version, build, uptime, last reload and entity id'
            cand endpoints 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)'
            cand channels 'List, show, hang up channels or read a channel variable'
            cand originate 'Originate a call (into the Stasis app unless a dialplan target is given)'
            cand bridge 'List, create, show, change and destroy bridges'
            cand apps 'ARI applications and their subscriptions'
            cand recordings 'Stored recordings: list, download, delete'
            cand events 'Stream ARI events (as an observer unless --app is given)'
            cand agents 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)'
            cand agent-sim 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos'
            cand serve 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent'
            cand calls 'Call records kept by serve: list, show, export, statistics per agent profile, bundle'
            cand top 'Live view of a running serve''s calls (full screen on a terminal; a table otherwise)'
            cand bench 'Benchmark serve''s media path with synthetic calls and agent-sim on loopback'
            cand check-firewall 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability'
            cand doctor 'Run the troubleshooting runbook end to end and print a checklist with fixes'
            cand call 'Place a SIP test call: timings, RTP statistics, audio round trip, recording'
            cand load 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)'
            cand capture 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)'
            cand rtp-stats 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)'
            cand sip-flow 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes'
            cand latency-report 'Measured one-way latency per component of the call path, against the documented ranges'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vcctl;help;info'= {
        }
        &'vcctl;help;endpoints'= {
            cand list 'List all endpoints (the default)'
            cand show 'Show one endpoint, e.g. PJSIP/anonymous'
        }
        &'vcctl;help;endpoints;list'= {
        }
        &'vcctl;help;endpoints;show'= {
        }
        &'vcctl;help;channels'= {
            cand list 'List all channels (the default)'
            cand show 'Show one channel, with its RTP statistics when it has media'
            cand hangup 'Hang up a channel'
            cand var 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
        }
        &'vcctl;help;channels;list'= {
        }
        &'vcctl;help;channels;show'= {
        }
        &'vcctl;help;channels;hangup'= {
        }
        &'vcctl;help;channels;var'= {
        }
        &'vcctl;help;originate'= {
        }
        &'vcctl;help;bridge'= {
            cand list 'List bridges (the default)'
            cand create 'Create a bridge'
            cand show 'Show one bridge'
            cand add 'Add channels to a bridge'
            cand remove 'Remove channels from a bridge'
            cand destroy 'Destroy a bridge'
        }
        &'vcctl;help;bridge;list'= {
        }
        &'vcctl;help;bridge;create'= {
        }
        &'vcctl;help;bridge;show'= {
        }
        &'vcctl;help;bridge;add'= {
        }
        &'vcctl;help;bridge;remove'= {
        }
        &'vcctl;help;bridge;destroy'= {
        }
        &'vcctl;help;apps'= {
        }
        &'vcctl;help;recordings'= {
            cand list 'List stored recordings (the default)'
            cand get 'Download a stored recording'
            cand delete 'Delete a stored recording'
        }
        &'vcctl;help;recordings;list'= {
        }
        &'vcctl;help;recordings;get'= {
        }
        &'vcctl;help;recordings;delete'= {
        }
        &'vcctl;help;events'= {
        }
        &'vcctl;help;agents'= {
            cand list 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
            cand show 'Show one profile and whether its API key variable is set (never the key)'
            cand add 'Add a profile (last in the routing order unless --position is given)'
            cand remove 'Remove a profile'
            cand route 'Show which profile would serve a call to EXTENSION from CALLER'
        }
        &'vcctl;help;agents;list'= {
        }
        &'vcctl;help;agents;show'= {
        }
        &'vcctl;help;agents;add'= {
        }
        &'vcctl;help;agents;remove'= {
        }
        &'vcctl;help;agents;route'= {
        }
        &'vcctl;help;agent-sim'= {
        }
        &'vcctl;help;serve'= {
        }
        &'vcctl;help;calls'= {
            cand list 'List calls, newest first (the default)'
            cand show 'One call: timeline, RTP statistics, latency figures, transcript, recording'
            cand export 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
            cand stats 'Per agent profile: calls, success rate, duration and agent response percentiles'
            cand bundle 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
        }
        &'vcctl;help;calls;list'= {
        }
        &'vcctl;help;calls;show'= {
        }
        &'vcctl;help;calls;export'= {
        }
        &'vcctl;help;calls;stats'= {
        }
        &'vcctl;help;calls;bundle'= {
        }
        &'vcctl;help;top'= {
        }
        &'vcctl;help;bench'= {
        }
        &'vcctl;help;check-firewall'= {
        }
        &'vcctl;help;doctor'= {
        }
        &'vcctl;help;call'= {
        }
        &'vcctl;help;load'= {
        }
        &'vcctl;help;capture'= {
        }
        &'vcctl;help;rtp-stats'= {
        }
        &'vcctl;help;sip-flow'= {
        }
        &'vcctl;help;latency-report'= {
        }
        &'vcctl;help;completions'= {
        }
        &'vcctl;help;help'= {
        }
    ]
    $completions[$command]
}
