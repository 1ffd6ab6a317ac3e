"""The text classifier of complaint triage: TF-IDF over words (1-2 grams) and characters
within words (3-5 grams, which forgive typos and missing accents), read by two logistic
regressions, topic and urgency, whose probabilities give the confidence and whose weights
say which words counted.

Plain Python and scikit-learn: no Django models here. A fitted classifier is stored as
bytes in skops' format, which rebuilds only the types it is told to trust (pickle would run
whatever the bytes say)."""

import hashlib
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DATASET = Path(__file__).resolve().parent / "data" / "messages.jsonl"
TOPICS = ("delivery", "payment", "product_defect", "return_exchange", "order_change", "other")
URGENCIES = ("normal", "high", "urgent")
CHANNELS = ("web", "email", "whatsapp", "chat", "social", "consumer_body")
SPLITS = ("train", "test")
# The longest text the model reads: the start of a conversation says what it is about,
# its end how the customer feels now.
TEXT_HEAD, TEXT_TAIL = 1500, 2500
TOP_TERMS = 5

# Words that make a person at the desk look twice, shown as reasons (the model weighs them
# itself; these are only pointed out). Matched on lower-case text without accents.
ALARM_TERMS: dict[str, str] = {
    "procon": r"\bprocon",
    "reclame aqui": r"reclame\s*aqui|#reclameaqui",
    "consumidor.gov.br": r"consumidor\.gov",
    "advogado": r"\badvogad",
    "processar": r"\bprocess(ar|o judicial|ei)\b|\bvou processar",
    "justiça": r"\bjustica\b|\bjudicia",
    "juizado": r"\bjuizado|pequenas causas",
    "danos morais": r"danos? mora",
    "ANPD": r"\banpd\b",
    "polícia": r"\bpolicia\b|\bdelegacia\b|boletim de ocorrencia",
    "golpe": r"\bgolpe|\bgolpistas?\b|\bfraude\b",
    "ladrões": r"\bladr(ao|oes|a)\b",
    "caloteiros": r"\bcaloteir",
    "vergonha": r"\bvergonh",
    "palhaçada": r"\bpalhacada",
    "absurdo": r"\babsurd",
    "descaso": r"\bdescaso",
    "ridículo": r"\bridicul",
    "lixo": r"\blixo\b",
    "expor nas redes": r"\bexpor\b|redes sociais|tiktok",
}
_ALARM_PATTERNS = {label: re.compile(pattern) for label, pattern in ALARM_TERMS.items()}


class DatasetInvalid(ValueError):
    """The shipped data set does not have the shape the classifier needs."""


@dataclass(frozen=True)
class Example:
    text: str
    topic: str
    urgency: str
    channel: str = "web"
    split: str = "train"


@dataclass(frozen=True)
class Term:
    term: str
    weight: float


@dataclass(frozen=True)
class Prediction:
    topic: str
    topic_confidence: float
    urgency: str
    urgency_confidence: float
    topic_terms: tuple[Term, ...] = ()
    urgency_terms: tuple[Term, ...] = ()
    alarm_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """Scores on held-out examples: sklearn's classification report, per label."""

    reports: dict[str, dict] = field(default_factory=dict)  # "topic"/"urgency" -> report dict
    texts: dict[str, str] = field(default_factory=dict)  # the same, as printable tables

    def macro_f1(self, label: str) -> float:
        return float(self.reports[label]["macro avg"]["f1-score"])


def normalise(text: str) -> str:
    """Lower case, no accents, spaces collapsed: how alarm terms are looked for."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def text_window(text: str) -> str:
    text = text.strip()
    if len(text) <= TEXT_HEAD + TEXT_TAIL:
        return text
    return f"{text[:TEXT_HEAD]}\n{text[-TEXT_TAIL:]}"


def alarm_terms_in(text: str) -> tuple[str, ...]:
    plain = normalise(text)
    return tuple(label for label, pattern in _ALARM_PATTERNS.items() if pattern.search(plain))


def dataset_load(path: Path = DATASET) -> list[Example]:
    """The labelled messages the project ships. Raises DatasetInvalid naming the bad line."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                example = Example(
                    text=row["text"].strip(),
                    topic=row["topic"],
                    urgency=row["urgency"],
                    channel=row["channel"],
                    split=row["split"],
                )
            except (ValueError, KeyError, AttributeError) as error:
                raise DatasetInvalid(f"{path.name}:{number}: {error}") from error
            if (
                not example.text
                or example.topic not in TOPICS
                or example.urgency not in URGENCIES
                or example.channel not in CHANNELS
                or example.split not in SPLITS
            ):
                raise DatasetInvalid(f"{path.name}:{number}: unknown label or empty text")
            examples.append(example)
    return examples


def dataset_digest(path: Path = DATASET) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("words", TfidfVectorizer(strip_accents="unicode", ngram_range=(1, 2), sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    strip_accents="unicode",
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )


def _model():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=20, solver="newton-cg", max_iter=300, class_weight="balanced")


class Classifier:
    """One TF-IDF feature union read by two logistic regressions, topic and urgency;
    `predict` explains itself."""

    def __init__(self, parts: dict) -> None:
        self.parts = parts  # "features": FeatureUnion, "topic" and "urgency": LogisticRegression

    @classmethod
    def fit(cls, examples: Sequence[Example]) -> "Classifier":
        from threadpoolctl import threadpool_limits

        texts = [text_window(example.text) for example in examples]
        features = _features()
        # One thread: on a busy machine, BLAS threads fighting over the cores take far longer.
        with threadpool_limits(limits=1):
            matrix = features.fit_transform(texts)
            parts = {"features": features}
            for label in ("topic", "urgency"):
                parts[label] = _model().fit(matrix, [getattr(example, label) for example in examples])
        for _name, vectorizer in features.transformer_list:
            # The n-grams dropped for rarity: kept only for inspection, and most of the bytes.
            vectorizer.stop_words_ = None
        return cls(parts)

    def evaluate(self, examples: Sequence[Example]) -> Evaluation:
        from sklearn.metrics import classification_report

        matrix = self.parts["features"].transform([text_window(example.text) for example in examples])
        reports, tables = {}, {}
        for label, names in (("topic", TOPICS), ("urgency", URGENCIES)):
            truth = [getattr(example, label) for example in examples]
            predicted = self.parts[label].predict(matrix)
            options = {"labels": list(names), "zero_division": 0, "digits": 3}
            reports[label] = classification_report(truth, predicted, output_dict=True, **options)
            tables[label] = classification_report(truth, predicted, **options)
        return Evaluation(reports=reports, texts=tables)

    def predict(self, text: str) -> Prediction:
        text = text_window(text)
        row = self.parts["features"].transform([text]).tocsr()
        topic, topic_confidence, topic_terms = self._one("topic", row)
        urgency, urgency_confidence, urgency_terms = self._one("urgency", row)
        return Prediction(
            topic=topic,
            topic_confidence=topic_confidence,
            urgency=urgency,
            urgency_confidence=urgency_confidence,
            topic_terms=topic_terms,
            urgency_terms=urgency_terms,
            alarm_terms=alarm_terms_in(text),
        )

    def _one(self, label: str, row) -> tuple[str, float, tuple[Term, ...]]:
        model = self.parts[label]
        probabilities = model.predict_proba(row)[0]
        best = int(probabilities.argmax())
        return str(model.classes_[best]), float(probabilities[best]), self._terms(model, row, best)

    def _terms(self, model, row, best: int) -> tuple[Term, ...]:
        """The words of the text that pushed hardest towards the chosen class: each word
        feature's TF-IDF value times the model's weight for it (character n-grams weigh too,
        but say little to a person)."""
        words = self._word_names
        weights = model.coef_[best]
        pushes = [
            (value * weights[column], column)
            for column, value in zip(row.indices, row.data, strict=True)
            if column < len(words) and len(words[column]) > 2  # "no", "de": true, but say nothing
        ]
        pushes = sorted((push for push in pushes if push[0] > 0), reverse=True)[:TOP_TERMS]
        return tuple(Term(term=str(words[column]), weight=round(float(push), 3)) for push, column in pushes)

    @cached_property
    def _word_names(self):
        return self.parts["features"].transformer_list[0][1].get_feature_names_out()

    # Storage

    def dumps(self) -> bytes:
        import skops.io

        # The vocabularies are most of it, and compress ten to one.
        return skops.io.dumps(self.parts, compression=zipfile.ZIP_DEFLATED, compresslevel=6)

    @classmethod
    def loads(cls, data: bytes) -> "Classifier":
        """Rebuild a stored classifier. Only scikit-learn, NumPy and SciPy types are trusted:
        bytes naming anything else are refused (ClassifierRefused)."""
        import skops.io

        untrusted = skops.io.get_untrusted_types(data=data)
        refused = [name for name in untrusted if not _is_trusted(name)]
        if refused:
            raise ClassifierRefused(", ".join(refused))
        return cls(skops.io.loads(data, trusted=untrusted))


TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


class ClassifierRefused(ValueError):
    """Stored bytes name a type outside scikit-learn, NumPy and SciPy."""


def _is_trusted(name: str) -> bool:
    return name.startswith(TRUSTED_PREFIXES)


def examples_split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    train, test = [], []
    for example in examples:
        (test if example.split == "test" else train).append(example)
    return train, test
