"""Prompts that measure the prompt warning (prompt_warning.py): ones the text model knows and ones it does not.

How they were made (written once, then frozen here; the warning's features were designed after):
  IN_DOMAIN_GENERATED  80 prompts, 4 per class of MNIST and Fashion-MNIST, from the caption vocabulary (captions.py):
                       numpy default_rng(0) picks a class phrase (class_phrases), each of the dataset's attributes
                       with probability 1/2 and then its low or high word, and a frame (CAPTION_TEMPLATES plus
                       "an image of a {adj} {p}" and "a {adj} {p} written by hand" / "... on a plain background");
                       "a" before a vowel sound became "an"; duplicates were drawn again.
  IN_DOMAIN_WRITTEN    written by hand: the app's examples and phrasings the captions never use (plurals, "a pair
                       of", "the numeral", colours, synonyms such as "hoodie" or "hiking boots").
  OUT_OF_DOMAIN        written by hand: animals, vehicles, scenes, food, people, objects, shapes and letters, other
                       languages and scripts, emoji, gibberish, number words in sentences that are not about digits,
                       caption words in other senses ("a light lunch"), long sentences.
split() halves each list at random (seed 0): the calibration half fits the score, the held-out half measures it."""
from __future__ import annotations

import numpy as np

IN_DOMAIN_GENERATED = [
    "a large thin number 0", "a 0 written by hand", "bold zero", "a thin digit 0 written by hand",
    "a small thin digit 1", "an image of a bold one", "an image of a number 1", "the large slanted digit one",
    "slanted two", "a thin upright digit two written by hand", "the thin digit two", "a large bold slanted 2",
    "the thin slanted number 3", "an image of a small slanted number 3", "thin slanted number 3", "the large upright 3",
    "a slanted number 4 written by hand", "a small slanted handwritten 4", "an image of an upright 4",
    "a bold number 4", "a bold number 5 written by hand", "an image of a large bold digit five",
    "an image of a thin number 5", "an image of a slanted digit 5", "a digit six", "the thin upright digit six",
    "a bold upright number 6 written by hand", "small bold digit six", "an image of a bold upright 7",
    "a bold handwritten number 7", "the bold seven",
    "a thin number 7", "a small upright digit 8 written by hand", "the thin slanted 8", "the small digit eight",
    "a small digit 8", "a large bold upright nine written by hand", "an image of a digit nine",
    "an image of a bold upright number 9", "a large bold digit 9 written by hand", "an image of a large top",
    "a large tee on a plain background", "a tee", "an image of a large dark tee", "a photo of a pants",
    "an image of a large light jeans", "an image of a small light trousers", "a photo of a small trousers",
    "a sweater on a plain background", "a photo of a large dark jumper", "a dark jumper", "a large pullover",
    "a photo of a dress", "an image of a light dress", "a photo of a dark gown", "an image of a light gown",
    "a picture of a coat", "a picture of a dark jacket", "a coat", "an image of a small light coat",
    "an image of a summer sandal", "dark sandal", "a dark summer sandal on a plain background",
    "an image of a small sandal", "a shirt", "a photo of a light shirt", "a picture of a button-up shirt",
    "a dark button-up shirt on a plain background", "a picture of a large sneaker", "small dark trainer",
    "large trainer", "a running shoe", "an image of a handbag",
    "a handbag", "an image of a bag", "large dark handbag", "an image of a large short boot",
    "a photo of a light ankle boot", "a picture of a light short boot", "a picture of a small light short boot",
]
IN_DOMAIN_WRITTEN = [
    "a bold seven", "a thin slanted two", "dark ankle boots", "a light t-shirt", "large handbag", "a large handbag",
    "the number 3", "handwritten digit nine", "a pair of trousers", "sneakers", "a handwritten 5", "9", "0", "two",
    "the digit zero written by hand", "a neatly written four", "a small upright one", "an eight", "number six",
    "a sloppy handwritten 2", "the numeral 7", "digit 1 in bold", "a slanted three", "a big bold eight", "a thick five",
    "a tiny six", "the handwritten number 8", "a black coat", "a long dress", "an evening gown", "a warm winter coat",
    "a wool sweater", "a white sneaker", "running shoes", "a pair of sandals", "summer sandals", "a leather handbag",
    "a purse", "a pair of jeans", "blue jeans", "a button-up shirt", "a plain blouse", "a cozy jumper", "a pullover",
    "a leather jacket", "short boots", "a dark shirt", "a light summer dress", "a small bag", "a pair of dark trousers",
    "a hoodie", "hiking boots", "a denim jacket", "a trench coat", "a shoulder bag", "a pair of trainers",
]
OUT_OF_DOMAIN = [
    # animals
    "a cat", "a dog on the beach", "a fluffy kitten", "an elephant", "a horse running in a field", "a goldfish",
    "a parrot", "two dogs playing", "a lion", "a tiger sleeping", "a penguin", "a cow", "a butterfly", "a snake",
    "an owl at night",
    # vehicles
    "a red sports car", "a bicycle", "an airplane in the sky", "a train at the station", "a motorcycle",
    "a sailing boat", "a bus", "a rocket launch", "a helicopter", "a truck", "a tractor", "a submarine",
    # scenes
    "a photograph of the milky way galaxy", "a sunset over the ocean", "a mountain lake", "a city skyline at night",
    "a forest in autumn", "a desert", "a snowy village", "a waterfall", "a beach with palm trees",
    "the surface of the moon", "a thunderstorm", "a castle on a hill", "a busy street in tokyo", "a living room",
    "a field of sunflowers",
    # food
    "a pizza", "a bowl of ramen", "a chocolate cake", "an apple", "a cup of coffee", "a hamburger with fries", "sushi",
    "a banana", "ice cream", "a loaf of bread",
    # people
    "a portrait of an old man", "a girl smiling", "a football player", "a doctor", "a crowd at a concert", "a baby",
    "a chef cooking", "a dancer", "a selfie of a woman", "the queen of england",
    # objects, shapes, letters, ideas
    "a laptop", "a guitar", "a chair", "a teapot", "a clock", "a lamp", "a smartphone", "a vase of flowers",
    "a pencil", "a football", "the letter A", "a red circle", "a square", "abstract art", "a painting by van gogh",
    "the color blue", "happiness", "a map of europe",
    # other languages and scripts
    "eine Katze", "ein Hund im Schnee", "ein rotes Auto", "das Haus am See", "un chat noir", "une voiture rouge",
    "la tour Eiffel", "un gâteau au chocolat", "un perro grande", "una casa en la playa", "el gato duerme", "一只猫",
    "一辆红色的汽车", "山上的房子", "猫が寝ている", "東京の夜景", "桜の木", "قطة سوداء", "سيارة حمراء",
    "собака в парке", "고양이", "एक बिल्ली", "ένας σκύλος",
    # emoji
    "🐱🐶🚀", "🍕", "😀😀😀", "🌈☀️", "🚗💨", "❤️", "🎉🎂", "🐈",
    # gibberish
    "zzzz", "asdfgh", "qwerty uiop", "lorem ipsum dolor sit amet", "xkcd", "blorp fizz", "?????", "aaaaaaa", "hjkl",
    "!!!",
    # number words and caption words in sentences that are not about digits or clothes
    "seven days a week", "I have two dogs", "three little pigs", "one direction concert",
    "the top ten movies of the year", "four seasons in one day", "the nine lives of a cat", "five guys eating burgers",
    "a light lunch", "a small dark room", "the running of the bulls", "a short summer holiday",
    "one small step for man", "two cups of tea", "a large pizza with eight slices",
    # long sentences
    "the quick brown fox jumps over the lazy dog",
    "yesterday I went to the market and bought some fresh vegetables for dinner",
    "explain the theory of relativity in simple terms", "what is the weather like in London tomorrow afternoon",
    "a watercolor painting of a medieval village at dawn with mist rising from the river",
    "an astronaut riding a horse on mars in the style of a renaissance painting",
    "my grandmother used to bake bread every sunday morning before church",
    "the stock market fell sharply after the announcement of new interest rates",
    "please write me a poem about the sea and the wind and the stars",
    "a futuristic city with flying cars and neon lights reflected in the rain",
]
SEED = 0
# what the app must get right (tests/lab/test_text.py), shown with their scores in the text model's card
MUST_WARN = ["a cat", "🐱🐶🚀", "一只猫", "zzzz", "a photograph of the milky way galaxy"]
MUST_NOT_WARN = ["a bold seven", "dark ankle boots", "a light t-shirt", "a thin slanted two", "large handbag"]


def in_domain() -> list[str]:
    return IN_DOMAIN_GENERATED + IN_DOMAIN_WRITTEN


def split(prompts: list[str], seed: int = SEED) -> tuple[list[str], list[str]]:
    """(calibration, held-out): a seeded random half of the prompts (the calibration half gets the odd one)."""
    order = np.random.default_rng(seed).permutation(len(prompts))
    half = (len(prompts) + 1) // 2
    return [prompts[i] for i in sorted(order[:half])], [prompts[i] for i in sorted(order[half:])]


def labelled(part: int) -> tuple[list[str], np.ndarray]:
    """(prompts, labels) of the calibration half (part 0) or the held-out half (part 1): label 1 = out of domain."""
    known, unknown = split(in_domain())[part], split(OUT_OF_DOMAIN)[part]
    return known + unknown, np.array([0] * len(known) + [1] * len(unknown))
