/**
 * The command table: what a real Redis says about each command (arity, flags, ACL categories, key
 * specs, tips), captured from its {@code COMMAND INFO} and {@code COMMAND DOCS} into the checked-in
 * resource {@code commands.json} and loaded once at startup. Routing, the read/write split, namespace
 * rewriting and command policy read it instead of keeping their own lists of commands.
 *
 * <p>Start with {@link dev.turnout.dataplane.command.CommandTable}: {@code loadDefault()} once, then
 * {@code lookup(ByteBuf, index, length)} on the hot path (case-insensitive, allocation-free; null for
 * an unknown command) and {@code lookupSubcommand} for containers such as CLIENT and CONFIG. A
 * {@link dev.turnout.dataplane.command.CommandSpec} answers questions about one command;
 * {@code forEachKey(CommandArguments, KeyVisitor)} finds its keys in a frame that implements
 * {@link dev.turnout.dataplane.command.CommandArguments}.
 *
 * <h2>Key extraction</h2>
 * Keys come only from Redis's key specs (https://redis.io/docs/reference/key-specs/), applied as
 * Redis's {@code getKeysUsingKeySpecs} (src/db.c) does with {@code GET_KEYSPEC_RETURN_PARTIAL}:
 * index or keyword begin-search, range (negative {@code lastkey}, {@code limit}) or keynum find-keys,
 * {@code not_key} specs skipped ({@code forEachRoutingKey} includes them). A spec that does not fit
 * the arguments (keyword absent, numkeys not a non-negative integer or larger than the arguments,
 * positions beyond {@code argc}) yields no keys while the other specs still yield theirs: only
 * commands Redis would reject as a syntax or arity error get there. Nothing throws.
 *
 * <p>Redis 7.0 keeps a {@code getkeys_proc} for commands whose specs cannot say everything. Those
 * are not hand-coded here; {@code CommandSpec.hasIncompleteKeySpecs()} is true for the first three,
 * and callers that must see every key (namespaces, cluster routing) apply a policy to them:
 * <ul>
 *   <li>SORT: only the sorted key; the {@code STORE} destination is an {@code unknown} spec, and the
 *       {@code BY}/{@code GET} patterns name keys derived from data.</li>
 *   <li>SORT_RO: only the sorted key ({@code BY}/{@code GET} patterns as above).</li>
 *   <li>MIGRATE: the {@code KEYS} form's spec is {@code incomplete}; it also reports argument 3 (the
 *       empty key), and a key named "keys" can mislead the backward keyword search.</li>
 *   <li>SET ({@code GET} option) and BITFIELD (only {@code GET} operations): positions are exact, but
 *       the spec has {@code variable_flags}: the real access differs from the spec's flags.</li>
 *   <li>GEORADIUS and GEORADIUSBYMEMBER with a repeated {@code STORE}/{@code STOREDIST}: the specs
 *       find the first, the command writes the last; Redis 7.0's own COMMAND GETKEYS does the same.</li>
 * </ul>
 * The other commands with a {@code getkeys_proc} (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL,
 * FCALL_RO, ZUNION/ZINTER/ZDIFF and their STORE forms, ZINTERCARD, SINTERCARD, LMPOP, BLMPOP, ZMPOP,
 * BZMPOP, XREAD, XREADGROUP) are fully described by their specs.
 *
 * <h2>Regenerating {@code commands.json}</h2>
 * {@code CommandTableGenerator} (in test sources: it needs Jedis) writes the resource from a live
 * Redis. From the repository root, with a Redis 7 on a free port:
 * <pre>{@code
 * redis-server --port 7391 --save '' --appendonly no --daemonize yes
 * mvn -B -q -pl data-plane test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *   -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.turnout.dataplane.command.CommandTableGenerator \
 *   -Dexec.args="--redis 127.0.0.1:7391 --out data-plane/src/main/resources/dev/turnout/dataplane/command/commands.json"
 * redis-cli -p 7391 shutdown nosave
 * }</pre>
 * Add {@code --user U --password-file F} for a Redis with ACLs. The output is sorted and stable:
 * regenerating from the same Redis gives no diff. If the new table has flags or categories this
 * package does not know, {@code CommandTableTest} fails until they are added to the enums.
 */
package dev.turnout.dataplane.command;
