# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vcctl_global_optspecs
    string join \n json v/verbose ari-url= user= password= app= ca-cert= h/help V/version
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

complete -c vcctl -n "__fish_vcctl_needs_command" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "bench" -d 'Benchmark serve\'s media path with synthetic calls and agent-sim on loopback'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c vcctl -n "__fish_vcctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand info" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and not __fish_seen_subcommand_from list show help" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand endpoints; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and not __fish_seen_subcommand_from list show hangup var help" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l reason -d 'normal, busy, congestion, no_answer, timeout, rejected, unallocated, ...' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from hangup" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand channels; and __fish_seen_subcommand_from var" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand originate" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and not __fish_seen_subcommand_from list create show add remove destroy help" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bridge; and __fish_seen_subcommand_from destroy" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand apps" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and not __fish_seen_subcommand_from list get delete help" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s o -l output -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand recordings; and __fish_seen_subcommand_from delete" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l count -d 'Stop after N matching events' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l timeout -d 'Without --follow: stop after S seconds [default: 10]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand events" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and not __fish_seen_subcommand_from list show add remove route help" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from show" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l replace -d 'Replace the profile of that name if it exists (keeping its place unless --position)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from remove" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agents; and __fish_seen_subcommand_from route" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
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
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l interrupt-on-speech -d 'Send `interruption` when the caller starts speaking while the agent talks'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l tool-call -d 'Send one client_tool_call at the start of each conversation'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l extra-events -d 'Also send event types a client must ignore (tentative responses, vad_score, an invented one)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l require-signed-url -d 'Refuse WebSocket connections without a signed URL\'s signature (a private agent)'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand agent-sim" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l db -d 'SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l http -d 'HTTP API address (healthz, readyz, metrics, calls, events)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-bind -d 'Local address of the per-call RTP sockets' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-advertise -d 'Address Asterisk sends RTP to [default: --rtp-bind]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l rtp-ports -d 'UDP ports for the per-call RTP sockets (keep them apart from Asterisk\'s rtp.conf range)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l format -d 'RTP format of the externalMedia leg' -r -f -a "ulaw\t'G.711 µ-law (passes through untouched to a ulaw_8000 agent)'
slin16\t'16 kHz linear PCM (big-endian L16 on the wire)'"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l agent-url -d 'Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l chunk-ms -d 'Duration of each audio chunk sent to the agent' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l prebuffer-ms -d 'Agent audio queued before playout starts' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l on-agent-failure -d 'When the agent cannot be reached or fails: hang up, or play --fallback-media first' -r -f -a "hangup\t''
fallback\t''"
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l failure-reason -d 'ARI hangup reason used when the agent fails (normal, busy, congestion, ...)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l fallback-media -d 'ARI media to play before hanging up with --on-agent-failure fallback' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l fallback-secs -d 'Longest time the fallback plays before the hangup' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l drain-timeout -d 'On SIGTERM/SIGINT, how long active calls may go on before they are ended' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l max-calls -d 'Refuse calls beyond this many at once (hang up with congestion)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vcctl -n "__fish_vcctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l calls -d 'Numbers of concurrent calls to measure, comma separated' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l seconds -d 'Seconds to measure each N (after all its calls are set up)' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ramp -d 'Calls set up per second' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand bench" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l ari-url -d 'ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l user -d 'ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l password -d 'ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l app -d 'ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]' -r
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l ca-cert -d 'PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]' -r -F
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -l json -d 'Print machine-readable JSON instead of tables'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s v -l verbose -d 'More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vcctl -n "__fish_vcctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "info" -d 'Asterisk version, build, uptime, last reload and entity id'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "endpoints" -d 'List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "channels" -d 'List, show, hang up channels or read a channel variable'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "originate" -d 'Originate a call (into the Stasis app unless a dialplan target is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "bridge" -d 'List, create, show, change and destroy bridges'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "apps" -d 'ARI applications and their subscriptions'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "recordings" -d 'Stored recordings: list, download, delete'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "events" -d 'Stream ARI events (as an observer unless --app is given)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "agents" -d 'Agent profiles: which ElevenLabs agent serves which calls (kept in the database)'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "agent-sim" -d 'Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "serve" -d 'Answer every call of the ARI app: bridge it to an ElevenLabs voice agent'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "bench" -d 'Benchmark serve\'s media path with synthetic calls and agent-sim on loopback'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c vcctl -n "__fish_vcctl_using_subcommand help; and not __fish_seen_subcommand_from info endpoints channels originate bridge apps recordings events agents agent-sim serve bench completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
