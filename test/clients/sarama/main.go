// A sarama (Debian's golang-github-shopify-sarama-dev) client for sluice's tests:
//   sarama-client produce <bootstrap> <topic> <count>        sync producer, one message per send, prints "produced N"
//   sarama-client group <bootstrap> <group> <topic> <count>  consumer group member, prints "partition offset value" lines
//                                                            and commits, until <count> messages have been seen
// sarama writes -1 as a record batch's maxTimestamp, which is what the retention test needs.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/Shopify/sarama"
)

func config() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V2_1_0_0
	c.ClientID = "sluice-sarama-test"
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewRoundRobinPartitioner
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Group.Session.Timeout = 6 * time.Second
	c.Consumer.Group.Heartbeat.Interval = 1 * time.Second
	return c
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func produce(bootstrap, topic string, count int) {
	producer, err := sarama.NewSyncProducer([]string{bootstrap}, config())
	if err != nil {
		fail("producer: %v", err)
	}
	defer producer.Close()
	for i := 0; i < count; i++ {
		msg := &sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder("sarama-" + strconv.Itoa(i)), Timestamp: time.Now()}
		if _, _, err := producer.SendMessage(msg); err != nil {
			fail("send %d: %v", i, err)
		}
	}
	fmt.Printf("produced %d\n", count)
}

type handler struct {
	want int
	seen int
	done chan struct{}
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *handler) ConsumeClaim(session sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		fmt.Printf("%d %d %s\n", msg.Partition, msg.Offset, string(msg.Value))
		session.MarkMessage(msg, "")
		h.seen++
		if h.seen == h.want {
			close(h.done)
			return nil
		}
	}
	return nil
}

func group(bootstrap, groupID, topic string, count int) {
	c := config()
	c.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	consumerGroup, err := sarama.NewConsumerGroup([]string{bootstrap}, groupID, c)
	if err != nil {
		fail("group: %v", err)
	}
	h := &handler{want: count, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if err := consumerGroup.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
				fail("consume: %v", err)
			}
		}
	}()
	select {
	case <-h.done:
	case <-time.After(60 * time.Second):
		fail("saw %d of %d messages in 60 s", h.seen, count)
	}
	time.Sleep(300 * time.Millisecond) // one more commit interval, so the marks are committed
	cancel()
	if err := consumerGroup.Close(); err != nil {
		fail("close: %v", err)
	}
}

func main() {
	if len(os.Args) < 5 {
		fail("usage: sarama-client produce <bootstrap> <topic> <count> | group <bootstrap> <group> <topic> <count>")
	}
	switch os.Args[1] {
	case "produce":
		n, _ := strconv.Atoi(os.Args[4])
		produce(os.Args[2], os.Args[3], n)
	case "group":
		n, _ := strconv.Atoi(os.Args[5])
		group(os.Args[2], os.Args[3], os.Args[4], n)
	default:
		fail("unknown mode %s", os.Args[1])
	}
}
