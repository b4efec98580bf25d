"""Prompts that measure the prompt warning on the emoji text model (prompt_domain.py): ones it knows, ones it does
not. Written by hand once, before any of them was scored, then frozen here:

  IN_DOMAIN      what a student would type to get an emoji: faces, hands and people, animals and plants, food,
                 places and vehicles, activities, objects, symbols and flags; with and without colours, a few plurals
                 and "emoji" phrasings, in the student's words rather than the data's names ("a thumbs up", "a
                 cat face", "the flag of japan").
  OUT_OF_DOMAIN  far from emoji: the digits-and-clothes model's prompts (handwriting, clothes on a plain
                 background), photographs and paintings of scenes, science and technical words, questions and
                 long sentences, other languages and scripts, emoji characters (the model learned English words,
                 not the characters), gibberish.
split() (prompt_lists.split, seed 0) halves each list: the calibration half may choose a threshold, the held-out
half measures."""
from __future__ import annotations

import numpy as np

from .prompt_lists import split

IN_DOMAIN = [
    # faces
    "a red heart", "a smiling face with sunglasses", "a yellow smiling face", "a crying face", "an angry face",
    "a face with tears of joy", "a winking face", "a sleeping face", "a face with a medical mask", "a thinking face",
    "a ghost", "a skull", "a robot face", "a pile of poo", "a clown face",
    # hands and people
    "a thumbs up", "a waving hand", "clapping hands", "a woman dancing", "a police officer", "a baby",
    "a man running", "a santa claus",
    # animals and plants
    "a cat face", "a dog face", "a panda", "a unicorn", "a green frog", "a snake", "an octopus", "a sunflower",
    "a christmas tree", "a cactus", "a brown monkey", "a penguin", "a butterfly",
    # food
    "a green apple", "a red apple", "a banana", "a slice of pizza", "a hamburger", "a strawberry", "a birthday cake",
    "a watermelon", "a hot beverage", "an avocado", "a bowl of ramen",
    # places, vehicles, sky and weather
    "a rocket", "a red car", "a bicycle", "an airplane", "a house", "a rainbow", "a snowman", "the sun",
    "a full moon", "a star", "fire", "a cloud with rain", "a volcano",
    # activities and objects
    "a soccer ball", "a trophy", "a guitar", "a laptop", "a mobile phone", "a light bulb", "a key", "a gift",
    "a crown", "a party popper", "a blue book", "an hourglass",
    # symbols and flags
    "a blue heart", "a purple heart", "a broken heart", "a red circle", "a heavy check mark", "a warning sign",
    "the flag of france", "the flag of brazil", "a pirate flag", "a chequered flag", "the japan flag",
    # plurals and "emoji" phrasings
    "two red hearts", "yellow stars", "a heart emoji", "an emoji of a cat", "a fire emoji",
]
OUT_OF_DOMAIN = [
    # the digits-and-clothes model's prompts
    "a handwritten seven", "a thin slanted two written by hand", "a bold upright number 6 written by hand",
    "the numeral 7", "a sloppy handwritten 2", "a neatly written four", "a pair of dark trousers on a plain background",
    "a light ankle boot on a plain background",
    # photographs, paintings, scenes
    "a photo of a sports car at night", "a photograph of the milky way galaxy",
    "a watercolor painting of a medieval village at dawn", "a portrait of an old man in oil paint",
    "an astronaut riding a horse on mars in the style of a renaissance painting", "a pencil sketch of a cathedral",
    "a photorealistic landscape with mountains and a lake", "a satellite image of a city",
    "a 3d render of a chrome sphere", "a busy street in tokyo at rush hour", "an x-ray of a broken leg",
    "a microscope image of bacteria",
    # science, technical, abstract
    "quantum chromodynamics", "photosynthesis in plant cells", "the mandelbrot set", "a differential equation",
    "the derivative of x squared", "a blueprint of a jet engine", "a spreadsheet of quarterly revenue",
    "SELECT * FROM users", "import numpy as np", "https://example.com", "the french revolution",
    "a recursive neural network architecture diagram",
    # questions and long sentences
    "explain the theory of relativity in simple terms", "what is the weather like in London tomorrow afternoon",
    "yesterday I went to the market and bought some fresh vegetables for dinner",
    "the stock market fell sharply after the announcement of new interest rates",
    "please write me a poem about the sea and the wind and the stars",
    # other languages and scripts
    "eine Katze", "ein rotes Auto", "un chat noir", "une voiture rouge", "una casa en la playa", "一只猫",
    "猫が寝ている", "قطة سوداء", "собака в парке", "고양이", "एक बिल्ली", "ένας σκύλος",
    # emoji characters
    "❤️", "🐱🚀", "😀😀😀", "🍕",
    # gibberish
    "zzzz", "asdfgh", "qwerty uiop", "lorem ipsum dolor sit amet", "xkcd", "blorp fizz", "?????", "aaaaaaa", "hjkl",
    "!!!",
]


def labelled(part: int) -> tuple[list[str], np.ndarray]:
    """(prompts, labels) of the calibration half (part 0) or the held-out half (part 1): label 1 = out of domain."""
    known, unknown = split(IN_DOMAIN)[part], split(OUT_OF_DOMAIN)[part]
    return known + unknown, np.array([0] * len(known) + [1] * len(unknown))
