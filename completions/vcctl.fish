# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vcctl_global_optspecs
    string join \n json v/verbose ari-url= nodes= user= password= app= ca-cert= h/help V/version
end

function __fish_vcctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vcctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vcctl_using_subcommand
    set -l cmd (__fish_vcctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vcctl -n "__fish_vcctl_needs_command" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_needs_command" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_needs_command" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_needs_command" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_needs_command" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_needs_command" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_needs_command" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_needs_command" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_needs_command" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_needs_command" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "info" -d 'Asterisk version, build, uptime, last reload and entity id'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "endpoints" -d 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "channels" -d 'List, show, hang up channels or read a channel variable'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "originate" -d 'Originate a call (into the Stasis app unless a dialplan target is given)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "bridge" -d 'List, create, show, change and destroy bridges'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "apps" -d 'ARI applications and their subscriptions'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "recordings" -d 'Stored recordings: list, download, delete'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "events" -d 'Stream ARI events (as an observer unless --app is given)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "agents" -d 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "agent-sim" -d 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "serve" -d 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "calls" -d 'Call records kept by serve: list, show, export, statistics per agent profile, bundle'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "top" -d 'Live view of a running serve\'s calls (full screen on a terminal; a table otherwise)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "bench" -d 'Benchmark serve\'s media path with synthetic calls and agent-sim on loopback'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "check-firewall" -d 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "doctor" -d 'Run the troubleshooting runbook end to end and print a checklist with fixes'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "call" -d 'Place a SIP test call: timings, RTP statistics, audio round trip, recording'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "load" -d 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "capture" -d 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "rtp-stats" -d 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "sip-flow" -d 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "latency-report" -d 'Measured one-way latency per component of the call path, against the documented ranges'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List all endpoints (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Show one endpoint, e.g. PJSIP/anonymous'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from help" -f -a "list" -d 'List all endpoints (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one endpoint, e.g. PJSIP/anonymous'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -f -a "list" -d 'List all channels (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -f -a "show" -d 'Show one channel, with its RTP statistics when it has media'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -f -a "hangup" -d 'Hang up a channel'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -f -a "var" -d 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l reason -d 'normal, busy, congestion, no_answer, timeout, rejected, unallocated, ...' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from help" -f -a "list" -d 'List all channels (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one channel, with its RTP statistics when it has media'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from help" -f -a "hangup" -d 'Hang up a channel'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from help" -f -a "var" -d 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l app-args -d 'Arguments passed to the Stasis app, comma separated' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l context -d 'Dialplan context (with --extension: send the call to the dialplan, not the app)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l extension -d 'Dialplan extension' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l priority -d 'Dialplan priority' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l caller-id -d 'Caller id, e.g. \'"Test" <1001>\'' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l timeout -d 'Seconds to wait for an answer' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l var -d 'Channel variable K=V (repeatable)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "list" -d 'List bridges (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "create" -d 'Create a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "show" -d 'Show one bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "add" -d 'Add channels to a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "remove" -d 'Remove channels from a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "destroy" -d 'Destroy a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l type -d 'mixing, holding, dtmf_events, proxy_media, video_sfu, video_single (comma separated)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l name -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "list" -d 'List bridges (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add channels to a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove channels from a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "destroy" -d 'Destroy a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -f -a "list" -d 'List stored recordings (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -f -a "get" -d 'Download a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -f -a "delete" -d 'Delete a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s o -l output -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from help" -f -a "list" -d 'List stored recordings (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from help" -f -a "get" -d 'Download a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l type -d 'Only events of this type (repeatable), e.g. StasisStart' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l channel -d 'Only events about this channel id' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l serve -d 'Watch the events a running `vcctl serve` receives, via its HTTP API (e.g. http://127.0.0.1:8000); needs no ARI credentials' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l count -d 'Stop after N matching events' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l timeout -d 'Without --follow: stop after S seconds [default: 10]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l follow -d 'Keep streaming until interrupted, reconnecting when Asterisk goes away'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l take-over -d 'With --app NAME (which registers NAME instead of watching as an observer): take the app over even if something (e.g. serve) is connected as it'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "list" -d 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "show" -d 'Show one profile and whether its API key variable is set (never the key)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "add" -d 'Add a profile (last in the routing order unless --position is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "remove" -d 'Remove a profile'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "route" -d 'Show which profile would serve a call to EXTENSION from CALLER'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l agent-id -d 'ElevenLabs agent id' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l api-key-env -d 'NAME of the environment variable holding the API key; the key itself is never stored [default: ELEVENLABS_API_KEY]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l voice-id -d 'Voice override' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l first-message -d 'First-message override' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l language -d 'Language override, e.g. en, de' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l extension -d 'Calls to these extensions: \'*\' any run, \'?\' one character, \'\\\' escapes; absent: any' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l caller -d 'Calls from these numbers (same pattern syntax); absent: any' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l var -d 'Dynamic variable for the agent, K=V (repeatable)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l position -d 'Place in the routing order, 1 is tried first [default: last]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l replace -d 'Replace the profile of that name if it exists (keeping its place unless --position)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l extension -d 'The dialed extension' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l caller -d 'The caller\'s number' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "list" -d 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one profile and whether its API key variable is set (never the key)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a profile (last in the routing order unless --position is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "route" -d 'Show which profile would serve a call to EXTENSION from CALLER'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l listen -d 'Address to listen on (signed URLs and WebSocket on the same port)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l mode -d 'echo: return the caller\'s audio; tone: answer each caller turn with a tone' -r -f -a "echo\t''
tone\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l response-delay-ms -d 'Echo: delay of the returned audio; tone: end of caller speech to the tone' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l format -d 'Audio format of both directions: ulaw_8000, alaw_8000, pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l tone-hz -d 'Tone frequency in tone mode' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l tone-ms -d 'Tone length in tone mode' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l ping-interval-ms -d 'Keep-alive ping period; 0 sends no pings' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l chunk-ms -d 'Size of the audio events sent' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l api-key -d 'API key that signed-URL requests must carry [default: any non-empty key]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l known-agent -d 'Only this agent id exists; others are not found [default: every id exists]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l end-after-ms -d 'End each conversation from the agent side after this many milliseconds' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l interrupt-on-speech -d 'Send `interruption` when the caller starts speaking while the agent talks'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l tone-burst -d 'Tone mode: send each reply at once instead of in real time (a fast TTS)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l tool-call -d 'Send one client_tool_call at the start of each conversation'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l extra-events -d 'Also send event types a client must ignore (tentative responses, vad_score, an invented one)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l require-signed-url -d 'Refuse WebSocket connections without a signed URL\'s signature (a private agent)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l instance -d 'This serve\'s name in call records, to tell the nodes of a cluster apart [env: VCCTL_INSTANCE] [default: host name:HTTP port]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l http -d 'HTTP API address (healthz, readyz, metrics, calls, events); an address other than loopback needs an API token (VCCTL_API_TOKEN, VCCTL_API_TOKEN_FILE or --api-token-file)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l api-token-file -d 'File holding the HTTP API\'s bearer token (wins over VCCTL_API_TOKEN and VCCTL_API_TOKEN_FILE; there is no flag for the token itself: `ps` would show it)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-bind -d 'Local address of the per-call RTP sockets' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-advertise -d 'Address Asterisk sends RTP to [default: --rtp-bind]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-ports -d 'UDP ports for the per-call RTP sockets (keep them apart from Asterisk\'s rtp.conf range)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l format -d 'RTP format of the externalMedia leg' -r -f -a "ulaw\t'G.711 µ-law (passes through untouched to a ulaw_8000 agent)'
slin16\t'16 kHz linear PCM (big-endian L16 on the wire); over RTP one way only: Asterisk drops the L16 it receives on externalMedia, so the caller hears nothing. Two-way with --transport websocket, and byte for byte to a pcm_16000 agent'"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l transport -d 'Media transport to Asterisk: rtp (externalMedia RTP, a UDP port per call) or websocket (chan_websocket on the ARI HTTP port, no UDP; Asterisk 22.8 or later)' -r -f -a "rtp\t'externalMedia RTP: serve paces the audio, a UDP port per call'
websocket\t'chan_websocket: media over the ARI HTTP(S) port, Asterisk paces and can flush'"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ws-window-ms -d '--transport websocket: most agent audio sent to Asterisk and not yet played there (Asterisk drops whole messages at 1000 queued frames, sends MEDIA_XOFF at 900)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ws-idle-silence -d '--transport websocket: send silence frames between responses and after a barge-in so the caller\'s leg keeps receiving RTP (chan_websocket 22.9+ sends none; some phones hang up or show "no audio" without it); the silence still queued when a response begins is flushed, so it delays nothing (docs/websocket-media.md)' -r -f -a "true\t''
false\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l agent-url -d 'Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l chunk-ms -d 'Duration of each audio chunk sent to the agent' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l prebuffer-ms -d 'RTP: agent audio queued before a talkspurt starts (0: as soon as one frame is queued)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l underflow-grace-ms -d 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late agent audio before it sends silence (0: silence at once)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l on-agent-failure -d 'When the agent cannot be reached or fails: hang up, or play --fallback-media first' -r -f -a "hangup\t''
fallback\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l failure-reason -d 'ARI hangup reason used when the agent fails (normal, busy, congestion, ...)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l fallback-media -d 'ARI media to play before hanging up with --on-agent-failure fallback' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l fallback-secs -d 'Longest time the fallback plays before the hangup' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l drain-timeout -d 'On SIGTERM/SIGINT, how long active calls may go on before they are ended' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l max-calls -d 'Refuse calls beyond this many at once: hung up before they are answered, with the cause congestion (the caller gets 503 Service Unavailable)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l media-timeout -d 'End a call whose caller has sent no media for this long (a caller that vanished without BYE); calls on hold are exempt; 0 turns it off' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l reconcile-secs -d 'How often to look for channels and bridges in the app that belong to no live call; what is seen twice in a row is released; 0 turns it off' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ari-max-requests -d 'Most ARI requests in flight at once; keep it below Asterisk\'s HTTP session limit (http.conf sessionlimit, 100 by default), which the events WebSocket and other clients share' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l record -d 'Record each call to DIR/<call id>.wav: caller left, agent right, 16-bit at the RTP rate (built from the bridged RTP; the call record notes the file)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l capture -d 'Write each call\'s RTP, both directions, to DIR/<call id>.pcap (raw IP with synthesized IP/UDP headers, for Wireshark or `vcctl rtp-stats`)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l call-logs -d 'Per-call event and agent protocol logs (for `calls bundle`): DIR/<call id>.events.jsonl and .agent.jsonl [default: call-logs/ beside the database]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l call-logs-keep -d 'Keep the per-call logs of this many calls (older ones are deleted); 0: write none' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l call-logs-max-mb -d 'Largest size of one call\'s log file; the rest of the call is not logged' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l record-ari -d 'Have Asterisk record each call\'s bridge as the stored recording <call id> (download it with `vcctl recordings get`; the call record notes `ari:<call id>`)'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l call-logs-audio -d 'Keep audio payloads in the per-call agent logs (else their sizes only)'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "list" -d 'List calls, newest first (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "show" -d 'One call: timeline, RTP statistics, latency figures, transcript, recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "export" -d 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "stats" -d 'Per agent profile: calls, success rate, duration and agent response percentiles'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "bundle" -d 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and not __fish_seen_subcommand_from list show export stats bundle help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l since -d 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l outcome -d 'Only calls with this outcome (in_progress: not ended yet)' -r -f -a "completed\t''
agent_failed\t''
caller_abandoned\t''
error\t''
unfinished\t''
in_progress\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l profile -d 'Only calls served by this agent profile' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l caller -d 'Only calls from this number' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l node -d 'Only calls this node handled: its Asterisk entity id or its serve instance' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l limit -d 'Show at most N calls; 0: all' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l since -d 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339, e.g. 2025-01-31T12:00:00Z)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l outcome -d 'Only calls with this outcome (in_progress: not ended yet)' -r -f -a "completed\t''
agent_failed\t''
caller_abandoned\t''
error\t''
unfinished\t''
in_progress\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l profile -d 'Only calls served by this agent profile' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l caller -d 'Only calls from this number' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l node -d 'Only calls this node handled: its Asterisk entity id or its serve instance' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l format -d 'csv: one row per call, a header row, RFC 4180 quoting; jsonl: one JSON record a line' -r -f -a "csv\t''
jsonl\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l since -d 'Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l profile -d 'Only this agent profile' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l node -d 'Only calls this node handled: its Asterisk entity id or its serve instance' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l by -d 'One row per agent profile, per node (serve instance and Asterisk entity id), or per Asterisk' -r -f -a "profile\t''
node\t'The serve instance that handled the call, with its Asterisk'
asterisk\t'The Asterisk entity id only'"
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -s o -l output -d 'Where to write the bundle' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l call-logs -d 'Directory of serve\'s per-call event and agent logs [default: call-logs/ beside the database]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l with-audio -d 'Keep the agent\'s and the caller\'s audio payloads in the agent log (when serve kept them: serve --call-logs-audio); without it they are summarized as sizes'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l redact-callers -d 'Replace the caller\'s phone numbers and names by caller-1, caller-2, ... everywhere'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from bundle" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "list" -d 'List calls, newest first (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "show" -d 'One call: timeline, RTP statistics, latency figures, transcript, recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Per agent profile: calls, success rate, duration and agent response percentiles'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "bundle" -d 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
complete -c vcctl -n "__fish_vcctl_using_subcommand calls; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l serve -d 'HTTP API of vcctl serve' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l rate -d 'Refreshes per second of the full-screen view' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l bundle-dir -d 'Where the bundle key (b) writes: DIR/<call id>.tar.gz' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l once -d 'Print one snapshot as a table (or --json) and exit, even on a terminal'
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand top" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l calls -d 'Numbers of concurrent calls to measure, comma separated' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l seconds -d 'Seconds to measure each N (after all its calls are set up)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ramp -d 'Calls set up per second' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l transport -d 'The media path to measure, as serve\'s --transport: rtp (serve paces RTP to a synthetic Asterisk) or websocket (a synthetic Asterisk speaking chan_websocket)' -r -f -a "rtp\t'externalMedia RTP: serve paces the audio, a UDP port per call'
websocket\t'chan_websocket: media over the ARI HTTP(S) port, Asterisk paces and can flush'"
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l prebuffer-ms -d 'RTP: agent audio queued before a talkspurt starts (serve\'s --prebuffer-ms)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l underflow-grace-ms -d 'RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late audio before it sends silence (serve\'s --underflow-grace-ms)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l sip -d 'SIP port, or `none` [default: 5060/udp]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l ari -d 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l api -d 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l rtp -d 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l transport -d 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg\'s media runs over the ARI port (checked, with chan_websocket) instead of RTP' -r -f -a "rtp\t'externalMedia RTP: serve paces the audio, a UDP port per call'
websocket\t'chan_websocket: media over the ARI HTTP(S) port, Asterisk paces and can flush'"
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l asterisk-config -d 'Asterisk\'s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l stun -d 'STUN server asked for the public address, or `none`' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l external-ip -d 'The address callers use to reach this host (compared with STUN and PJSIP)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l peer -d 'A reflector on another host (vcctl check-firewall --reflector) that probes each port' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l interface -d 'Interface outside traffic arrives on [default: the one of the default route]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l samples -d 'RTP ports probed through the reflector' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l listen -d 'With --reflector: the address to listen on' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l local-only -d 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l remote-clients -d 'ARI and the HTTP API are used from other hosts, so their ports must be open'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l ipv6 -d 'Evaluate the firewall for IPv6 instead of IPv4'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l reflector -d 'Run as the reflector for another host\'s --peer instead of checking this host'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand check-firewall" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l sip -d 'SIP port, or `none` [default: 5060/udp]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l ari -d 'ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l api -d 'HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l rtp -d 'RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l transport -d 'The media transport vcctl serve uses (serve --transport): with websocket the agent leg\'s media runs over the ARI port (checked, with chan_websocket) instead of RTP' -r -f -a "rtp\t'externalMedia RTP: serve paces the audio, a UDP port per call'
websocket\t'chan_websocket: media over the ARI HTTP(S) port, Asterisk paces and can flush'"
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l asterisk-config -d 'Asterisk\'s configuration directory (pjsip.conf, rtp.conf, http.conf) [default: /etc/asterisk as the running Asterisk sees it, inside its chroot or container]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l stun -d 'STUN server asked for the public address, or `none`' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l external-ip -d 'The address callers use to reach this host (compared with STUN and PJSIP)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l peer -d 'A reflector on another host (vcctl check-firewall --reflector) that probes each port' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l interface -d 'Interface outside traffic arrives on [default: the one of the default route]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l samples -d 'RTP ports probed through the reflector' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l agent-url -d 'Agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l agent-id -d 'Agent id for the WebSocket handshake [env: ELEVENLABS_AGENT_ID]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l api-url -d 'HTTP API of vcctl serve' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l kamailio-ctl -d 'Kamailio\'s ctl socket, e.g. unix:/run/kamailio/kamailio_ctl: doctor asks Kamailio\'s dispatcher (kamcmd dispatcher.list) which nodes it sends calls to and says where it and ARI disagree [env: VCCTL_KAMAILIO_CTL]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l local-only -d 'Callers are on this host (a lab): loopback listeners are fine, NAT is not checked, the firewall is evaluated for loopback traffic'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l remote-clients -d 'ARI and the HTTP API are used from other hosts, so their ports must be open'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l ipv6 -d 'Evaluate the firewall for IPv6 instead of IPv4'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l from -d 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l sip-user -d 'User name for SIP digest authentication (when the PBX answers 401/407)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l sip-password -d 'Password for SIP digest authentication; prefer the environment to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l play -d 'Send this WAV file (16-bit PCM; other rates are resampled, channels mixed to mono)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l tone -d 'Send a sine tone of this frequency' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l record -d 'Write what the far end sends to this WAV file (8 kHz, 16-bit, mono)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l duration -d 'Seconds to stay connected after the answer; 0: until the far end hangs up or Ctrl-C [default: 10, or the length of --play plus 1]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l timeout -d 'Seconds to wait for the answer before giving up (CANCEL)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l codec -d 'Offer only this codec [default: offer ulaw, then alaw]' -r -f -a "ulaw\t''
alaw\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l bind -d 'Local address for SIP (IP or IP:PORT); RTP uses the same IP [default: the address that reaches the target]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l no-markers -d 'Do not write round-trip markers (short chirps) into the outgoing audio'
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand call" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l concurrency -d 'Calls in progress at once (placed and not yet ended)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l calls -d 'Calls to place in all [default: --concurrency]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l rate -d 'Most calls started per second; 0: as fast as the concurrency allows' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l hold -d 'Seconds each answered call stays up [default: 10; with --ramp: to the end of the run]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l ramp -d 'Concurrency steps, e.g. 25,50,100,200: each held --step-secs, figures and SLO verdict per step' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l step-secs -d 'Length of each --ramp step' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l tone -d 'Send a sine tone of this frequency [default: silence; markers either way]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l play -d 'Send this WAV file on every call (16-bit PCM; resampled to 8 kHz mono)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l codec -d 'Offer only this codec [default: offer ulaw, then alaw]' -r -f -a "ulaw\t''
alaw\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l from -d 'From URI [default: sip:<--sip-user, else vcctl>@<local address>]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l sip-user -d 'User name for SIP digest authentication (when the PBX answers 401/407)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l sip-password -d 'Password for SIP digest authentication; prefer the environment to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l bind -d 'Local IP (or IP:PORT for SIP) of the calls; RTP uses the same IP [default: any]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l timeout -d 'Seconds to wait for each call\'s answer before giving up (CANCEL)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l slo-answer -d 'SLO: calls answered with audio both ways, in % of those placed, at least' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l slo-roundtrip-ms -d 'SLO: audio round trip p95, at most (ignored with --no-markers)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l slo-loss -d 'SLO: RTP received loss, at most' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l chart -d 'Write a chart of answer ratio, setup p95 and round-trip p95 against concurrency (SVG)' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l settle -d 'With --audit-ari: seconds to wait after the last call ended' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l serve -d 'With --audit-ari: HTTP API of vcctl serve ("none": do not ask serve)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l cpu-pid -d 'Also report the CPU of this process per step, e.g. asterisk=1234 (repeatable, up to 8)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l listen -d 'With --answer: SIP address to listen on (IPv4); RTP on an even port of the same IP' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l no-markers -d 'Do not write round-trip markers (short chirps) into the outgoing audio'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l audit-ari -d 'After the last call: wait --settle, then list channels and bridges left in Asterisk (ARI settings as usual) and calls serve still holds (--serve); fail when any remain'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l answer -d 'Be the far end instead: answer every INVITE and echo its RTP (for measuring the generator alone)'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand load" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -s i -l interface -d 'Interface to capture on, or `any` for all of them' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l sip-port -d 'SIP port (UDP, either direction)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l rtp-ports -d 'RTP port range (UDP, either direction), e.g. Asterisk\'s rtp.conf range' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l host -d 'Only traffic from or to this address' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -s w -l write -d 'File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l duration -d 'Stop after S seconds [default: until Ctrl-C]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l count -d 'Stop after N packets' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l rotate-mb -d 'Start a new file when the current one reaches N megabytes (10^6 bytes)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l buffer-mb -d 'Kernel socket buffer in megabytes (a larger one rides out bursts without drops)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l dump-filter -d 'Print the kernel filter (classic BPF, tcpdump -d notation) and exit'
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand capture" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l gap-ms -d 'Arrival gaps longer than this are reported as problems' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l ptime-ms -d 'Packetization the stack expects' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l min-packets -d 'Packets of one SSRC a flow needs before it counts as RTP when no SDP announced it' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l no-heuristic -d 'Only analyse streams an SDP in the capture announced'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l check -d 'Exit with code 8 when problems are found'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand rtp-stats" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l call-id -d 'Only calls whose Call-ID contains this text' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand sip-flow" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l db -d 'SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l last -d 'The last N calls serve recorded [default: 50]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l call -d 'One call record' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l since -d 'Calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l node -d 'Only calls this node handled: its Asterisk entity id or its serve instance' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l target-ms -d 'End-to-end target; exit 8 when the total p95 is above it' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l chart -d 'Write a waterfall chart of the breakdown to this SVG file' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l sip-uri -d 'With --probe: SIP URI of an echo extension [default: sip:echo@<ARI host>:5060]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l agent-url -d 'With --probe: agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l probe-count -d 'With --probe: requests per probe' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l probe -d 'Measure now with active probes (SIP OPTIONS, an echo call, ARI REST and user events, the agent); components probes cannot see still come from the call records'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l no-call -d 'With --probe: skip the echo call (SIP processing and RTP forwarding stay without data)'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand latency-report" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l ari-url -d 'ARI base URL, or several separated by commas for a cluster (channels, bridge list, endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l nodes -d 'A file naming a cluster\'s nodes, one `NAME URL` a line (instead of --ari-url) [env: VCCTL_ARI_NODES]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "info" -d 'Asterisk version, build, uptime, last reload and entity id'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "endpoints" -d 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "channels" -d 'List, show, hang up channels or read a channel variable'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "originate" -d 'Originate a call (into the Stasis app unless a dialplan target is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "bridge" -d 'List, create, show, change and destroy bridges'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "apps" -d 'ARI applications and their subscriptions'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "recordings" -d 'Stored recordings: list, download, delete'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "events" -d 'Stream ARI events (as an observer unless --app is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "agents" -d 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "agent-sim" -d 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "serve" -d 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "calls" -d 'Call records kept by serve: list, show, export, statistics per agent profile, bundle'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "top" -d 'Live view of a running serve\'s calls (full screen on a terminal; a table otherwise)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "bench" -d 'Benchmark serve\'s media path with synthetic calls and agent-sim on loopback'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "check-firewall" -d 'Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "doctor" -d 'Run the troubleshooting runbook end to end and print a checklist with fixes'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "call" -d 'Place a SIP test call: timings, RTP statistics, audio round trip, recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "load" -d 'Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "capture" -d 'Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "rtp-stats" -d 'RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "sip-flow" -d 'SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "latency-report" -d 'Measured one-way latency per component of the call path, against the documented ranges'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve calls top bench check-firewall doctor call load capture rtp-stats sip-flow latency-report completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from endpoints" -f -a "list" -d 'List all endpoints (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from endpoints" -f -a "show" -d 'Show one endpoint, e.g. PJSIP/anonymous'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from channels" -f -a "list" -d 'List all channels (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from channels" -f -a "show" -d 'Show one channel, with its RTP statistics when it has media'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from channels" -f -a "hangup" -d 'Hang up a channel'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from channels" -f -a "var" -d 'Read a channel variable or dialplan function, e.g. CALLERID(num)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "list" -d 'List bridges (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "create" -d 'Create a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "show" -d 'Show one bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "add" -d 'Add channels to a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "remove" -d 'Remove channels from a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "destroy" -d 'Destroy a bridge'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from recordings" -f -a "list" -d 'List stored recordings (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from recordings" -f -a "get" -d 'Download a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from recordings" -f -a "delete" -d 'Delete a stored recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "list" -d 'List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "show" -d 'Show one profile and whether its API key variable is set (never the key)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "add" -d 'Add a profile (last in the routing order unless --position is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "remove" -d 'Remove a profile'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "route" -d 'Show which profile would serve a call to EXTENSION from CALLER'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from calls" -f -a "list" -d 'List calls, newest first (the default)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from calls" -f -a "show" -d 'One call: timeline, RTP statistics, latency figures, transcript, recording'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from calls" -f -a "export" -d 'Write call records as CSV or JSON lines (to stdout, or -o FILE)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from calls" -f -a "stats" -d 'Per agent profile: calls, success rate, duration and agent response percentiles'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and __fish_seen_subcommand_from calls" -f -a "bundle" -d 'Everything about one call in one .tar.gz for a support ticket (secrets removed)'
