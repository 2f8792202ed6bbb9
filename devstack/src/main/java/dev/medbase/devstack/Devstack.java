package dev.medbase.devstack; public class Devstack { public static void main(String[] a){} }
