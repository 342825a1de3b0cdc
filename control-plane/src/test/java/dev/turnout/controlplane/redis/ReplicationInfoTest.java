package dev.turnout.controlplane.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.controlplane.redis.ReplicationInfo.Replica;
import org.junit.jupiter.api.Test;

class ReplicationInfoTest {

    private static final String PRIMARY = """
            # Replication\r
            role:master\r
            connected_slaves:2\r
            slave0:ip=127.0.0.1,port=6380,state=online,offset=1200,lag=0\r
            slave1:ip=::1,port=6381,state=wait_bgsave,offset=0,lag=1\r
            master_failover_state:no-failover\r
            master_replid:8f1c0e5bd3c5b3a6a3b2e1a0f0e0d0c0b0a09080\r
            master_replid2:0000000000000000000000000000000000000000\r
            master_repl_offset:1234\r
            second_repl_offset:-1\r
            repl_backlog_active:1\r
            """;

    private static final String REPLICA = """
            # Replication
            role:slave
            master_host:10.0.0.2
            master_port:6379
            master_link_status:up
            master_last_io_seconds_ago:1
            master_sync_in_progress:0
            slave_read_repl_offset:1234
            slave_repl_offset:1230
            slave_priority:100
            slave_read_only:1
            replica_announced:1
            connected_slaves:0
            master_failover_state:no-failover
            master_replid:8f1c0e5bd3c5b3a6a3b2e1a0f0e0d0c0b0a09080
            master_replid2:0000000000000000000000000000000000000000
            master_repl_offset:1230
            """;

    @Test
    void aPrimaryListsItsReplicasWithTheirLag() {
        ReplicationInfo info = ReplicationInfo.parse(PRIMARY);

        assertThat(info.isPrimary()).isTrue();
        assertThat(info.isLinkUp()).isFalse();
        assertThat(info.role()).isEqualTo("master");
        assertThat(info.masterReplId()).isEqualTo("8f1c0e5bd3c5b3a6a3b2e1a0f0e0d0c0b0a09080");
        assertThat(info.masterReplOffset()).isEqualTo(1234);
        assertThat(info.masterHost()).isEmpty();
        assertThat(info.masterPort()).isZero();
        assertThat(info.masterLinkStatus()).isEmpty();
        assertThat(info.slaveReplOffset()).isZero();
        assertThat(info.replicas()).containsExactly(
                new Replica("127.0.0.1:6380", "online", 1200, 34),
                new Replica("[::1]:6381", "wait_bgsave", 0, 1234));
    }

    @Test
    void aReplicaReportsItsPrimaryLinkAndOffset() {
        ReplicationInfo info = ReplicationInfo.parse(REPLICA);

        assertThat(info.isPrimary()).isFalse();
        assertThat(info.isLinkUp()).isTrue();
        assertThat(info.role()).isEqualTo("slave");
        assertThat(info.masterHost()).isEqualTo("10.0.0.2");
        assertThat(info.masterPort()).isEqualTo(6379);
        assertThat(info.masterLinkStatus()).isEqualTo("up");
        assertThat(info.slaveReplOffset()).isEqualTo(1230);
        assertThat(info.masterReplOffset()).isEqualTo(1230);
        assertThat(info.masterReplId()).isEqualTo("8f1c0e5bd3c5b3a6a3b2e1a0f0e0d0c0b0a09080");
        assertThat(info.replicas()).isEmpty();
    }

    @Test
    void aReplicaWhoseLinkIsDownIsNotLinkUp() {
        ReplicationInfo info = ReplicationInfo.parse(REPLICA.replace("master_link_status:up", "master_link_status:down"));

        assertThat(info.isLinkUp()).isFalse();
        assertThat(info.masterLinkStatus()).isEqualTo("down");
    }

    @Test
    void unknownAndMalformedLinesAreIgnored() {
        ReplicationInfo info = ReplicationInfo.parse("role:master\nnonsense\n:x\nmaster_repl_offset:abc\nslave0:garbage\n");

        assertThat(info.isPrimary()).isTrue();
        assertThat(info.masterReplOffset()).isZero();
        assertThat(info.replicas()).containsExactly(new Replica("?:?", "", 0, 0));
    }
}
