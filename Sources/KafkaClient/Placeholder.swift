public enum KafkaClientPlaceholder {}
