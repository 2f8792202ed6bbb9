/**
 * Events between services (ARCHITECTURE §6): an outbox to publish, a relay to Kafka, idempotent consumption.
 *
 * <h2>The event</h2>
 * {@link dev.medbase.platform.events.EventEnvelope}: {@code id} (24-hex ObjectId), {@code type} (ExH system event
 * type such as {@code user_created}), {@code source} (producing service, {@code users}), {@code time} (millis),
 * {@code aggregateId} (the entity it is about) and {@code content} (a JSON object). The ExH event object
 * {@code {id, type, content, creation_timestamp}} is id, type, content and time in epoch millis.
 *
 * <h2>On the wire (CloudEvents Kafka binding, binary mode)</h2>
 * <pre>
 * topic   medbase.&lt;source&gt;                     e.g. medbase.users (3 partitions by default)
 * key     aggregateId                            one entity's events share a partition, so they stay in order
 * value   content as JSON                        {"id":"65a…","email":"…"}
 * headers ce_specversion=1.0, ce_id, ce_type, ce_source, ce_time (RFC 3339), content-type=application/json
 * </pre>
 * Records a consumer gives up on (after retries, or at once if they are not Medbase events) go to
 * {@code <topic>.DLT} with spring-kafka's {@code kafka_dlt-*} headers (original topic, offset, group, exception).
 *
 * <h2>Publishing</h2>
 * Set {@code medbase.events.source}, inject {@link dev.medbase.platform.events.EventPublisher} and call
 * {@code publish(type, aggregateId, content)} after writing the change. The event is stored in the collection
 * {@code outbox} of the service's database; the relay sends it (usually within milliseconds), waits for the broker's
 * acknowledgement and deletes it. While Kafka is down events wait there; nothing is lost and publishing does not block.
 * The relay of the publishing process takes the event as it is stored (the record carries its lease from the start)
 * and sends it from memory; events it did not take (other replicas', ones given back after a failure, leases that ran
 * out) it claims from the collection every poll interval, or at once when it gave one back or could not take one.
 * Delivery is at-least-once: a relay that dies between send and delete, or whose lease runs out, means a second copy.
 *
 * <p><b>Transactions where MongoDB has them.</b> Every service's transaction manager is
 * {@link dev.medbase.platform.mongo.MongoTransactions}: mark the method that writes the change and publishes its
 * event {@code @Transactional} (or use Boot's {@code TransactionTemplate}) and, on a replica set, the change and the
 * outbox write commit together or not at all; the relay is woken after commit. mongo-java-server (the devstack) has no
 * transactions: there the two are single-document writes, and a crash between them loses the event (never invents
 * one, if the event is published after the change).
 *
 * <h2>Settings ({@link dev.medbase.platform.events.EventsProperties})</h2>
 * <pre>
 * medbase.events.source                      required to switch events on; the topic is medbase.&lt;source&gt;
 * medbase.events.consumer-group              default: the source
 * medbase.events.relay.poll-interval         1s     claims from the outbox (a publish hands its event over at once)
 * medbase.events.relay.batch-size            100    events claimed (and deleted) per pass, in a few round trips
 * medbase.events.relay.lease                 30s    must exceed max.block.ms + delivery.timeout.ms (5 s + 15 s)
 * medbase.events.relay.min-backoff / max-backoff   200ms / 10s while Kafka is unreachable
 * medbase.events.consumer.retries            3      then the record goes to the DLT
 * medbase.events.consumer.retry-backoff      500ms  doubling
 * medbase.events.consumer.concurrency        1
 * medbase.events.consumer.dedupe-retention   7d
 * medbase.events.topic.partitions / replicas 3 / 1
 * </pre>
 * Kafka connection and security come from Boot's {@code spring.kafka.*}; the relay's producer forces
 * {@code acks=all} and {@code enable.idempotence=true} and defaults {@code max.block.ms=5000},
 * {@code request.timeout.ms=5000}, {@code delivery.timeout.ms=15000} (overridable with
 * {@code spring.kafka.producer.properties.*}).
 *
 * <h2>Consuming</h2>
 * Declare {@link dev.medbase.platform.events.EventHandler} beans, or
 * {@link dev.medbase.platform.events.BatchEventHandler} beans to get what one poll brought at once (up to Kafka's
 * {@code max.poll.records}, 500 by default) and write it in bulk. Each event is handled once per handler: processed
 * ids are kept in the collection {@code processed_events} ({@code _id "<consumer>:<eventId>"}, expiring after
 * {@code medbase.events.consumer.dedupe-retention}, 7 days by default), looked up and recorded once per handler and
 * poll.
 */
package dev.medbase.platform.events;
