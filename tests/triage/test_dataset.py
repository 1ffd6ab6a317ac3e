import json
from collections import Counter

from support.triage.classifier import CHANNELS, DATASET, TOPICS, URGENCIES, dataset_load, examples_split


def test_the_shipped_set_has_enough_labelled_messages_with_a_held_out_split():
    examples = dataset_load()
    train, test = examples_split(examples)
    assert len(examples) >= 600
    assert len(test) >= 150 and len(train) >= 450
    assert {example.topic for example in examples} == set(TOPICS)
    assert {example.urgency for example in examples} == set(URGENCIES)
    assert {example.channel for example in examples} == set(CHANNELS)


def test_the_split_is_stratified_by_topic_and_urgency():
    train, test = examples_split(dataset_load())
    for label, names in (("topic", TOPICS), ("urgency", URGENCIES)):
        in_train = Counter(getattr(example, label) for example in train)
        in_test = Counter(getattr(example, label) for example in test)
        for name in names:
            share = in_test[name] / (in_train[name] + in_test[name])
            assert 0.2 <= share <= 0.3, (label, name, share)


def test_no_message_is_written_twice_and_none_is_in_both_splits():
    examples = dataset_load()
    texts = [" ".join(example.text.lower().split()) for example in examples]
    assert len(set(texts)) == len(texts)
    ids = [json.loads(line)["id"] for line in DATASET.read_text(encoding="utf-8").splitlines()]
    assert len(set(ids)) == len(ids) == len(examples)
