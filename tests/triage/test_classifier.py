import time

import pytest

from support.triage.classifier import Classifier, ClassifierRefused, dataset_load, examples_split

# The level stated in the README: macro-F1 on the held-out split, for topic and for urgency.
MACRO_F1_BAR = 0.8


@pytest.fixture(scope="module")
def trained():
    train, test = examples_split(dataset_load())
    classifier = Classifier.fit(train)
    return classifier, classifier.evaluate(test)


def test_topic_and_urgency_reach_the_stated_macro_f1_on_the_held_out_split(trained):
    _classifier, evaluation = trained
    assert evaluation.macro_f1("topic") >= MACRO_F1_BAR
    assert evaluation.macro_f1("urgency") >= MACRO_F1_BAR
    for label, names in (("topic", 6), ("urgency", 3)):
        per_class = [
            row for name, row in evaluation.reports[label].items() if "avg" not in name and name != "accuracy"
        ]
        assert len(per_class) == names
        assert all(row["recall"] > 0.5 and row["precision"] > 0.5 for row in per_class)


def test_a_stored_classifier_comes_back_the_same_and_classifies_in_milliseconds(trained):
    classifier, _evaluation = trained
    stored = Classifier.loads(classifier.dumps())
    text = "Ja é a terceira vez que escrevo, o pedido 104587 nao chegou e vou no Procon"
    assert stored.predict(text) == classifier.predict(text)
    started = time.perf_counter()
    for _ in range(20):
        stored.predict(text)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_a_prediction_says_which_words_weighed_and_which_threats_it_found(trained):
    classifier, _evaluation = trained
    prediction = classifier.predict(
        "O liquidificador chegou quebrado. Se não trocarem vou ao Procon e ao advogado."
    )
    assert prediction.topic == "product_defect"
    assert prediction.urgency == "urgent"
    assert "procon" in [term.term for term in prediction.urgency_terms]
    assert set(prediction.alarm_terms) >= {"procon", "advogado"}
    assert 0 < prediction.topic_confidence <= 1


def test_bytes_that_name_other_types_are_refused(trained, monkeypatch):
    classifier, _evaluation = trained
    data = classifier.dumps()
    monkeypatch.setattr("skops.io.get_untrusted_types", lambda data: ["os.system"])
    with pytest.raises(ClassifierRefused):
        Classifier.loads(data)
